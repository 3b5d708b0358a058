/**
 * Suppression: from the raw aggregates to what may be published.
 *
 * A figure is shown only when at least `minInstalls` distinct installs stand
 * behind it; otherwise it becomes a suppressed cell. A row whose whole subject
 * is too thin (a command, an error type, an OS used by fewer installs) is
 * withheld with its label, since a rare label alone can point at someone;
 * only the number of withheld rows is said. Dates stay as labels (a day is
 * nobody's), their counts follow the rule. Records without an install id
 * back no cell: they can't be told apart, so they can't be shown as many.
 *
 * Every label goes through shownLabel(), so a value that looks like a digest
 * or an id is never printed in full.
 */
import type { Aggregates, CommandStats, CountedCell, ShareDimension, VersionStats } from './aggregate.js';
import type { InstallSet } from './install-set.js';
import { shownLabel } from './shown-label.js';
import { compareVersions } from './version-order.js';
import { OUTCOMES } from './wire-keys.js';
import type { Outcome } from './wire-keys.js';

export type Cell = { readonly shown: true; readonly value: number } | { readonly shown: false };

export interface CommandRow {
  readonly label: string;
  readonly installs: number;
  readonly runs: Cell;
  readonly outcomes: Record<Outcome, Cell>;
  readonly killed: Cell;
  readonly p50Ms: Cell;
  readonly p95Ms: Cell;
  readonly durationsExact: boolean;
}

export interface VersionRow {
  readonly runs: number;
  readonly failures: number;
  readonly failureRate: number;
  /** Its failure rate jumped against the previous version shown for the same command. */
  readonly jumped: boolean;
  readonly previousRate: number | undefined;
}

/** 'suppressed': run on that version by too few installs; 'none': not run on it at all. */
export type VersionCell = VersionRow | 'suppressed' | 'none';

export interface CommandVersions {
  readonly label: string;
  /** One per entry of ReportModel.versionColumns. */
  readonly cells: readonly VersionCell[];
}

export interface LabelledCount {
  readonly label: string;
  readonly count: number;
  readonly installs: number;
}

export interface ShareRow {
  readonly label: string;
  readonly installs: number;
  readonly runs: number;
  /** Of the installs counted in this dimension's shown and withheld values. */
  readonly share: number;
}

export interface ReportModel {
  readonly minInstalls: number;
  readonly services: readonly string[];
  readonly totals: {
    readonly installs: Cell;
    readonly runs: Cell;
    readonly killed: Cell;
    readonly failureRate: Cell;
  };
  readonly commands: readonly CommandRow[];
  /** Versions shown for at least one command, oldest first. */
  readonly versionColumns: readonly string[];
  readonly versions: readonly CommandVersions[];
  readonly errorTypes: readonly LabelledCount[];
  readonly shares: Record<ShareDimension, { readonly rows: readonly ShareRow[]; readonly hidden: number }>;
  readonly days: readonly { readonly day: string; readonly runs: Cell }[];
  readonly suppressed: Suppressed;
  readonly matchingEvictions: number;
}

/** What the page must say it left out. */
export interface Suppressed {
  commands: number;
  cells: number;
  versions: number;
  errorTypes: number;
  shareValues: number;
  days: number;
}

/** The threshold a page made without --min-installs uses. */
export const DEFAULT_MIN_INSTALLS = 5;

/** A failure rate at least this many points above the previous version's, and at least double it, is a jump. */
export const JUMP_POINTS = 0.1;
export const JUMP_FACTOR = 2;
export const TOP_ERROR_TYPES = 10;

export function publish(aggregates: Aggregates): ReportModel {
  const k = aggregates.minInstalls;
  const suppressed: Suppressed = { commands: 0, cells: 0, versions: 0, errorTypes: 0, shareValues: 0, days: 0 };
  const enough = (installs: InstallSet): boolean => installs.size >= k;
  const cell = (value: number, installs: InstallSet): Cell => {
    if (enough(installs)) return { shown: true, value };
    suppressed.cells += 1;
    return { shown: false };
  };
  const counted = (counts: CountedCell): Cell =>
    // Zero is shown as zero: no install is behind it, and nothing can be learned from it.
    counts.count === 0 ? { shown: true, value: 0 } : cell(counts.count, counts.installs);

  const multipleServices = aggregates.services.size > 1;
  const labelOf = (stats: CommandStats): string =>
    shownLabel(multipleServices ? `${stats.service} ${stats.command}` : stats.command);

  const runsOf = (stats: CommandStats): number => OUTCOMES.reduce((sum, outcome) => sum + stats.outcomes[outcome].count, stats.killed.count);
  // Most run first, in every table.
  const shownCommands = [...aggregates.commands.values()]
    .filter((stats) => {
      if (enough(stats.installs)) return true;
      suppressed.commands += 1;
      return false;
    })
    .sort((a, b) => runsOf(b) - runsOf(a) || labelOf(a).localeCompare(labelOf(b)));

  const commands: CommandRow[] = shownCommands
    .map((stats) => {
      const completed = OUTCOMES.reduce((sum, outcome) => sum + stats.outcomes[outcome].count, 0);
      const outcomes = Object.fromEntries(OUTCOMES.map((outcome) => [outcome, counted(stats.outcomes[outcome])])) as Record<Outcome, Cell>;
      const durationShown = completed > 0 && enough(stats.durationInstalls);
      if (completed > 0 && !durationShown) suppressed.cells += 2;
      return {
        label: labelOf(stats),
        installs: stats.installs.size,
        runs: { shown: true as const, value: completed + stats.killed.count },
        outcomes,
        killed: counted(stats.killed),
        p50Ms: durationShown ? { shown: true as const, value: stats.durations.quantile(0.5) ?? 0 } : { shown: false as const },
        p95Ms: durationShown ? { shown: true as const, value: stats.durations.quantile(0.95) ?? 0 } : { shown: false as const },
        durationsExact: stats.durations.isExact,
      };
    });

  // Columns: every version shown for at least one command, in release order.
  // A version too thin for one command but shown for another is a suppressed
  // cell there; a version thin everywhere is withheld with its name.
  const perCommand = shownCommands.map((stats) => {
    const shownVersions = new Map<string, VersionStats>();
    for (const [version, counts] of stats.versions) {
      if (enough(counts.installs)) shownVersions.set(version, counts);
    }
    return { stats, shownVersions };
  });
  const allVersions = new Set(shownCommands.flatMap((stats) => [...stats.versions.keys()]));
  const columns = [...allVersions].filter((version) => perCommand.some((entry) => entry.shownVersions.has(version))).sort(compareVersions);
  suppressed.versions += allVersions.size - columns.length;
  const versions: CommandVersions[] = perCommand.map(({ stats, shownVersions }) => {
    const cells: VersionCell[] = [];
    let previousRate: number | undefined;
    for (const version of columns) {
      const counts = shownVersions.get(version);
      if (counts === undefined) {
        if (stats.versions.has(version)) suppressed.cells += 1;
        cells.push(stats.versions.has(version) ? 'suppressed' : 'none');
        continue;
      }
      const failureRate = counts.runs === 0 ? 0 : counts.failures / counts.runs;
      cells.push({
        runs: counts.runs,
        failures: counts.failures,
        failureRate,
        previousRate,
        jumped: previousRate !== undefined && failureRate - previousRate >= JUMP_POINTS && failureRate >= JUMP_FACTOR * previousRate,
      });
      previousRate = failureRate;
    }
    return { label: labelOf(stats), cells };
  });

  const errorTypes: LabelledCount[] = [];
  for (const [errorType, counts] of aggregates.errorTypes) {
    // optel sends the exit code as the error type when a run failed by exit code alone.
    const label = /^\d+$/.test(errorType) ? `exit code ${errorType}` : errorType;
    if (enough(counts.installs)) errorTypes.push({ label: shownLabel(label), count: counts.count, installs: counts.installs.size });
    else suppressed.errorTypes += 1;
  }
  errorTypes.sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));

  const shareOf = (dimension: ShareDimension): ReportModel['shares'][ShareDimension] => {
    const entries = [...aggregates.shares[dimension].entries()];
    const total = entries.reduce((sum, [, share]) => sum + share.installs.size, 0);
    const rows: ShareRow[] = [];
    let hidden = 0;
    for (const [value, share] of entries) {
      if (!enough(share.installs)) {
        hidden += 1;
        continue;
      }
      rows.push({ label: shownLabel(value), installs: share.installs.size, runs: share.runs, share: total === 0 ? 0 : share.installs.size / total });
    }
    suppressed.shareValues += hidden;
    rows.sort((a, b) => b.installs - a.installs || a.label.localeCompare(b.label));
    return { rows, hidden };
  };
  const shares = { os: shareOf('os'), runtime: shareOf('runtime'), ci: shareOf('ci') };

  const days = [...aggregates.days.entries()]
    .sort(([a], [b]) => a - b)
    .map(([day, counts]) => {
      const runs = counts.count === 0 ? { shown: true as const, value: 0 } : enough(counts.installs) ? { shown: true as const, value: counts.count } : { shown: false as const };
      if (!runs.shown) suppressed.days += 1;
      return { day: new Date(day * 86_400_000).toISOString().slice(0, 10), runs };
    });

  const totalInstalls = aggregates.installs.size;
  const totalsShown = totalInstalls >= k;
  const failures = [...aggregates.commands.values()].reduce((sum, stats) => sum + stats.outcomes.failure.count, 0);
  const total = (value: number): Cell => (totalsShown ? { shown: true, value } : { shown: false });

  return {
    minInstalls: k,
    services: [...aggregates.services].map(shownLabel).sort(),
    totals: {
      installs: total(totalInstalls),
      runs: total(aggregates.completed + aggregates.killed.count),
      killed: totalsShown ? counted(aggregates.killed) : { shown: false },
      failureRate: total(aggregates.completed === 0 ? 0 : failures / aggregates.completed),
    },
    commands,
    versionColumns: columns.map(shownLabel),
    versions,
    errorTypes: errorTypes.slice(0, TOP_ERROR_TYPES),
    shares,
    days,
    suppressed,
    matchingEvictions: aggregates.matchingEvictions,
  };
}
