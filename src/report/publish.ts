/**
 * Suppression: from the raw aggregates to what may be published.
 *
 * A figure is shown only when at least `minInstalls` distinct installs stand
 * behind it; otherwise it becomes a suppressed cell. Figures that add up to a
 * shown total (a command's outcomes, the commands, the days, the error types,
 * the versions of a command, the values of a share) are suppressed as a group
 * (complementary.ts), so a total can't give a hidden figure back. A row whose whole subject
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
import { cellsToHide, hiddenInstalls } from './complementary.js';
import type { GroupCell } from './complementary.js';
import type { InstallSet } from './install-set.js';
import { shownLabel } from './shown-label.js';
import { compareVersions } from './version-order.js';
import { OUTCOMES } from './wire-keys.js';
import type { Outcome } from './wire-keys.js';

export type Cell = { readonly shown: true; readonly value: number } | { readonly shown: false };

export interface CommandRow {
  readonly label: string;
  readonly installs: number;
  /** Completed runs: the sum of the outcomes. */
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
    /** Completed runs; killed ones are counted apart. */
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
  const shown = (value: number): Cell => ({ shown: true, value });
  const hiddenCell: Cell = { shown: false };

  const multipleServices = aggregates.services.size > 1;
  const labelOf = (stats: CommandStats): string =>
    shownLabel(multipleServices ? `${stats.service} ${stats.command}` : stats.command);
  const runsOf = (stats: CommandStats): number => OUTCOMES.reduce((sum, outcome) => sum + stats.outcomes[outcome].count, stats.killed.count);

  // Commands: the totals at the top are their sum.
  const allCommands = [...aggregates.commands.values()];
  const commandGroup: GroupCell[] = allCommands.map((stats) => ({ count: runsOf(stats), installs: stats.installs }));
  const withheldCommands = cellsToHide(commandGroup, k);
  suppressed.commands = withheldCommands.size;
  // Most run first, in every table.
  const shownCommands = allCommands
    .filter((_, index) => !withheldCommands.has(index))
    .sort((a, b) => runsOf(b) - runsOf(a) || labelOf(a).localeCompare(labelOf(b)));

  // Each shown command's outcomes add up to its completed runs. Killed runs
  // are apart: no figure on the page adds them to anything, so they can be
  // hidden alone. When an outcome needs a complement, successes go first:
  // failures are given away again by the failure rates per version.
  const hiddenKilled: GroupCell[] = allCommands.filter((_, index) => withheldCommands.has(index)).map((stats) => stats.killed);
  const hiddenFailures: GroupCell[] = allCommands.filter((_, index) => withheldCommands.has(index)).map((stats) => stats.outcomes.failure);
  const commands: CommandRow[] = shownCommands.map((stats) => {
    const group: CountedCell[] = OUTCOMES.map((outcome) => stats.outcomes[outcome]);
    const hide = cellsToHide(group, k, [OUTCOMES.indexOf('success'), OUTCOMES.indexOf('aborted'), OUTCOMES.indexOf('failure')]);
    suppressed.cells += hide.size;
    const cellAt = (outcome: Outcome): Cell => (hide.has(OUTCOMES.indexOf(outcome)) ? hiddenCell : shown(stats.outcomes[outcome].count));
    if (hide.has(OUTCOMES.indexOf('failure'))) hiddenFailures.push(stats.outcomes.failure);
    const killed = stats.killed.count === 0 || enough(stats.killed.installs) ? shown(stats.killed.count) : hiddenCell;
    if (!killed.shown) {
      suppressed.cells += 1;
      hiddenKilled.push(stats.killed);
    }
    const completed = OUTCOMES.reduce((sum, outcome) => sum + stats.outcomes[outcome].count, 0);
    const durationShown = completed > 0 && enough(stats.durationInstalls);
    if (completed > 0 && !durationShown) suppressed.cells += 2;
    return {
      label: labelOf(stats),
      installs: stats.installs.size,
      runs: shown(completed),
      outcomes: { success: cellAt('success'), failure: cellAt('failure'), aborted: cellAt('aborted') },
      killed,
      p50Ms: durationShown ? shown(stats.durations.quantile(0.5) ?? 0) : hiddenCell,
      p95Ms: durationShown ? shown(stats.durations.quantile(0.95) ?? 0) : hiddenCell,
      durationsExact: stats.durations.isExact,
    };
  });

  // Versions: each command's versions add up to its completed runs. Columns:
  // every version shown for at least one command, in release order; a
  // version hidden everywhere is withheld with its name.
  const perCommand = shownCommands.map((stats) => {
    const entries = [...stats.versions.entries()];
    const hide = cellsToHide(entries.map(([, counts]) => ({ count: counts.runs, installs: counts.installs })), k);
    const shownVersions = new Map<string, VersionStats>(entries.filter((_, index) => !hide.has(index)));
    return { stats, shownVersions };
  });
  const allVersions = new Set(shownCommands.flatMap((stats) => [...stats.versions.keys()]));
  const columns = [...allVersions].filter((version) => perCommand.some((entry) => entry.shownVersions.has(version))).sort(compareVersions);
  suppressed.versions = allVersions.size - columns.length;
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

  // Error types add up to the failures.
  const errorEntries = [...aggregates.errorTypes.entries()];
  const hiddenErrors = cellsToHide(errorEntries.map(([, counts]) => counts), k);
  suppressed.errorTypes = hiddenErrors.size;
  const errorTypes: LabelledCount[] = errorEntries
    .filter((_, index) => !hiddenErrors.has(index))
    // optel sends the exit code as the error type when a run failed by exit code alone.
    .map(([errorType, counts]) => ({ label: shownLabel(/^\d+$/.test(errorType) ? `exit code ${errorType}` : errorType), count: counts.count, installs: counts.installs.size }))
    .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));

  // Each share's values add up to 100%, the hidden part drawn as one piece.
  const shareOf = (dimension: ShareDimension): ReportModel['shares'][ShareDimension] => {
    const entries = [...aggregates.shares[dimension].entries()];
    const total = entries.reduce((sum, [, share]) => sum + share.installs.size, 0);
    const hide = cellsToHide(entries.map(([, share]) => ({ count: share.installs.size, installs: share.installs })), k);
    const rows: ShareRow[] = entries
      .filter((_, index) => !hide.has(index))
      .map(([value, share]) => ({ label: shownLabel(value), installs: share.installs.size, runs: share.runs, share: total === 0 ? 0 : share.installs.size / total }))
      .sort((a, b) => b.installs - a.installs || a.label.localeCompare(b.label));
    suppressed.shareValues += hide.size;
    return { rows, hidden: hide.size };
  };
  const shares = { os: shareOf('os'), runtime: shareOf('runtime'), ci: shareOf('ci') };

  // Days add up to the completed runs.
  const dayEntries = [...aggregates.days.entries()].sort(([a], [b]) => a - b);
  const hiddenDays = cellsToHide(dayEntries.map(([, counts]) => counts), k);
  suppressed.days = hiddenDays.size;
  const days = dayEntries.map(([day, counts], index) => ({
    day: new Date(day * 86_400_000).toISOString().slice(0, 10),
    runs: hiddenDays.has(index) ? hiddenCell : shown(counts.count),
  }));

  // The totals. A total whose hidden parts (withheld commands, hidden cells
  // of its column) stand for fewer than k installs would give them back.
  const totalsShown = aggregates.installs.size >= k;
  const total = (value: number): Cell => (totalsShown ? shown(value) : hiddenCell);
  const columnTotal = (value: number, hiddenParts: GroupCell[]): Cell => {
    const behindHidden = hiddenInstalls(hiddenParts, new Set(hiddenParts.keys()));
    if (!totalsShown || (behindHidden > 0 && behindHidden < k)) {
      suppressed.cells += 1;
      return hiddenCell;
    }
    return shown(value);
  };
  const failures = allCommands.reduce((sum, stats) => sum + stats.outcomes.failure.count, 0);

  return {
    minInstalls: k,
    services: [...aggregates.services].map(shownLabel).sort(),
    totals: {
      installs: total(aggregates.installs.size),
      runs: total(aggregates.completed),
      killed:
        aggregates.killed.count > 0 && !enough(aggregates.killed.installs)
          ? columnTotal(0, [aggregates.killed])
          : columnTotal(aggregates.killed.count, hiddenKilled.filter((cell) => cell.count > 0)),
      failureRate: columnTotal(aggregates.completed === 0 ? 0 : failures / aggregates.completed, hiddenFailures.filter((cell) => cell.count > 0)),
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
