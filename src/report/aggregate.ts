/**
 * Turns the stream of command records into counts, incrementally: each record
 * updates a few counters and install sets and is then dropped. Memory grows
 * with the number of commands, versions, error types, days and installs, not
 * with the number of spans; the only per-run state is the killed matcher's
 * bounded window.
 *
 * Every figure is kept with the distinct installs behind it, so suppression
 * (publish.ts) can decide per cell. Cells that only need the threshold count
 * installs up to `minInstalls`; the figures that show an install count
 * (total, per command, shares) count them exactly.
 */
import type { CommandRecord } from './command-record.js';
import { DurationQuantiles } from './duration-quantiles.js';
import { InstallIds, InstallSet } from './install-set.js';
import { KilledMatcher } from './killed-matcher.js';
import type { Outcome } from './wire-keys.js';

export interface CountedCell {
  count: number;
  readonly installs: InstallSet;
}

export interface CommandStats {
  readonly service: string;
  readonly command: string;
  readonly installs: InstallSet;
  readonly outcomes: Record<Outcome, CountedCell>;
  readonly killed: CountedCell;
  readonly durations: DurationQuantiles;
  readonly durationInstalls: InstallSet;
  readonly versions: Map<string, VersionStats>;
}

export interface VersionStats {
  runs: number;
  failures: number;
  readonly installs: InstallSet;
}

export interface ShareStats {
  runs: number;
  readonly installs: InstallSet;
}

export type ShareDimension = 'os' | 'runtime' | 'ci';

export interface Aggregates {
  readonly minInstalls: number;
  readonly installs: InstallIds;
  readonly commands: Map<string, CommandStats>;
  readonly errorTypes: Map<string, CountedCell>;
  readonly shares: Record<ShareDimension, Map<string, ShareStats>>;
  /** Completed runs per UTC day, keyed by days since the epoch. */
  readonly days: Map<number, CountedCell>;
  readonly services: Set<string>;
  completed: number;
  /** Killed runs, with the installs behind them (a total can single someone out too). */
  readonly killed: CountedCell;
  /** How many killed matches the bounded window may have missed. */
  matchingEvictions: number;
}

interface PendingStart {
  readonly stats: CommandStats;
  readonly install: number;
}

const MS_PER_DAY = 86_400_000;

export class Aggregator {
  readonly result: Aggregates;
  private readonly matcher: KilledMatcher<PendingStart>;

  constructor(minInstalls: number, matchingWindow?: number) {
    this.result = {
      minInstalls,
      installs: new InstallIds(),
      commands: new Map(),
      errorTypes: new Map(),
      shares: { os: new Map(), runtime: new Map(), ci: new Map() },
      days: new Map(),
      services: new Set(),
      completed: 0,
      killed: { count: 0, installs: new InstallSet(minInstalls) },
      matchingEvictions: 0,
    };
    this.matcher = new KilledMatcher((pending) => this.countKilled(pending), matchingWindow);
  }

  add(record: CommandRecord): void {
    const result = this.result;
    const install = result.installs.intern(record.installId);
    const stats = this.commandStats(record.service, record.command);
    stats.installs.add(install);
    result.services.add(record.service);
    const day = Math.floor(record.startMs / MS_PER_DAY);

    if (record.lifecycle === 'started') {
      // Context shares count every install seen, also those whose runs never completed.
      this.countShares(record, install, false);
      this.matcher.started(record.traceId, record.parentSpanId, { stats, install });
      return;
    }

    this.matcher.completed(record.traceId, record.spanId);
    this.countShares(record, install, true);
    result.completed += 1;
    const outcome = record.outcome ?? 'success';
    countIn(stats.outcomes[outcome], install);
    stats.durations.add(record.durationMs);
    stats.durationInstalls.add(install);
    countIn(this.dayCell(day), install);

    let version = stats.versions.get(record.version);
    if (version === undefined) {
      version = { runs: 0, failures: 0, installs: this.thresholdSet() };
      stats.versions.set(record.version, version);
    }
    version.runs += 1;
    version.installs.add(install);
    if (outcome === 'failure') {
      version.failures += 1;
      const errorType = record.errorType ?? '(none)';
      let cell = result.errorTypes.get(errorType);
      if (cell === undefined) {
        cell = this.thresholdCell();
        result.errorTypes.set(errorType, cell);
      }
      countIn(cell, install);
    }
  }

  /** Call once after the last record: settles the commands that never completed. */
  finish(): Aggregates {
    this.matcher.finish();
    this.result.matchingEvictions = this.matcher.evictions;
    return this.result;
  }

  private countKilled(pending: PendingStart): void {
    countIn(this.result.killed, pending.install);
    countIn(pending.stats.killed, pending.install);
  }

  private countShares(record: CommandRecord, install: number, isRun: boolean): void {
    const values: Record<ShareDimension, string> = { os: record.os, runtime: record.runtime, ci: record.ci };
    for (const dimension of ['os', 'runtime', 'ci'] as const) {
      const map = this.result.shares[dimension];
      let share = map.get(values[dimension]);
      if (share === undefined) {
        share = { runs: 0, installs: new InstallSet() };
        map.set(values[dimension], share);
      }
      if (isRun) share.runs += 1;
      share.installs.add(install);
    }
  }

  private commandStats(service: string, command: string): CommandStats {
    const key = `${service}\u0000${command}`;
    let stats = this.result.commands.get(key);
    if (stats === undefined) {
      stats = {
        service,
        command,
        installs: new InstallSet(),
        outcomes: { success: this.thresholdCell(), failure: this.thresholdCell(), aborted: this.thresholdCell() },
        killed: this.thresholdCell(),
        durations: new DurationQuantiles(),
        durationInstalls: this.thresholdSet(),
        versions: new Map(),
      };
      this.result.commands.set(key, stats);
    }
    return stats;
  }

  private dayCell(day: number): CountedCell {
    let cell = this.result.days.get(day);
    if (cell === undefined) {
      cell = this.thresholdCell();
      this.result.days.set(day, cell);
    }
    return cell;
  }

  private thresholdSet(): InstallSet {
    return new InstallSet(this.result.minInstalls);
  }

  private thresholdCell(): CountedCell {
    return { count: 0, installs: this.thresholdSet() };
  }
}

function countIn(cell: CountedCell, install: number): void {
  cell.count += 1;
  cell.installs.add(install);
}
