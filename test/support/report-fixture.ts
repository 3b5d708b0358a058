/**
 * Spans for `optel report` tests, written as `optel receive --jsonl` lines,
 * and one fixture whose figures are known by construction (knownAnswers).
 */
import { writeFileSync } from 'node:fs';

export interface RunSpec {
  readonly install: string | undefined;
  readonly command: string;
  readonly version?: string;
  /** undefined: killed (a started record and nothing else). */
  readonly outcome: 'success' | 'failure' | 'aborted' | undefined;
  readonly errorType?: string;
  readonly durationMs?: number;
  /** UTC day, YYYY-MM-DD. */
  readonly day?: string;
  readonly os?: string;
  readonly node?: string;
  readonly ciVendor?: string;
}

let counter = 0;
const id = (length: number): string => (++counter).toString(16).padStart(length, '0');

/** The started record, then (unless killed) the completed record, of one command run. */
export function runSpans(run: RunSpec): Record<string, unknown>[] {
  const traceId = id(32);
  const commandSpanId = id(16);
  const startNs = BigInt(Date.parse(`${run.day ?? '2026-11-02'}T12:00:00Z`)) * 1_000_000n + BigInt(counter);
  const resource: Record<string, unknown> = {
    'service.name': 'fixture',
    'service.version': run.version ?? '1.0.0',
    'os.type': run.os ?? 'linux',
    'process.runtime.name': 'nodejs',
    'process.runtime.version': run.node ?? '20.20.2',
    'optel.ci': run.ciVendor !== undefined,
    ...(run.ciVendor === undefined ? {} : { 'optel.ci.vendor': run.ciVendor }),
    ...(run.install === undefined ? {} : { 'optel.install.id': run.install }),
  };
  const common = { name: run.command, traceId, kind: 1, events: [], links: [], resource, scope: { name: 'optel', version: '0.1.0' } };
  const spans: Record<string, unknown>[] = [
    {
      ...common,
      spanId: id(16),
      parentSpanId: commandSpanId,
      startTimeUnixNano: String(startNs),
      endTimeUnixNano: String(startNs),
      attributes: { 'optel.lifecycle': 'started' },
      status: { code: 0 },
    },
  ];
  if (run.outcome !== undefined) {
    spans.push({
      ...common,
      spanId: commandSpanId,
      parentSpanId: '',
      startTimeUnixNano: String(startNs),
      endTimeUnixNano: String(startNs + BigInt(Math.round((run.durationMs ?? 10) * 1e6))),
      attributes: {
        'optel.lifecycle': 'completed',
        'optel.outcome': run.outcome,
        ...(run.errorType === undefined ? {} : { 'error.type': run.errorType }),
      },
      status: { code: run.outcome === 'failure' ? 2 : 0 },
    });
  }
  return spans;
}

export function writeJsonl(path: string, spans: readonly unknown[]): void {
  writeFileSync(path, spans.map((span) => `${JSON.stringify(span)}\n`).join(''));
}

const installs = (prefix: string, count: number): string[] =>
  Array.from({ length: count }, (_, index) => `${prefix}${index + 1}-0000-4000-8000-00000000000${index + 1}`);

/**
 * Twelve installs. `build` is run by five (i1..i5), `deploy` by four (d1..d4)
 * and `lint` by three (l1..l3), so with the default threshold of 5 `build` is
 * shown and the other two withheld (together they stand for 7 installs, so
 * the totals can include them). Inside `build`, the killed runs come from four
 * installs (suppressed), the failures from five (shown), and one aborted run
 * from one install, hidden with the successes as its complement.
 */
export function knownAnswerRuns(): RunSpec[] {
  const i = installs('aaaaaaa', 5);
  const d = installs('ddddddd', 4);
  const os = (index: number): string => (index < 3 ? 'linux' : 'darwin');
  const runs: RunSpec[] = [];
  i.forEach((install, index) => {
    // 1.0.0: two successes each, 100 ms .. 1000 ms.
    runs.push({ install, command: 'build', version: '1.0.0', outcome: 'success', durationMs: 100 * (2 * index + 1), os: os(index) });
    runs.push({ install, command: 'build', version: '1.0.0', outcome: 'success', durationMs: 100 * (2 * index + 2), os: os(index) });
    // 1.1.0: one failure (50 ms) and one success (1100 ms .. 1500 ms) each.
    runs.push({ install, command: 'build', version: '1.1.0', outcome: 'failure', errorType: 'BuildError', durationMs: 50, os: os(index) });
    runs.push({ install, command: 'build', version: '1.1.0', outcome: 'success', durationMs: 1100 + 100 * index, os: os(index) });
    if (index < 4) runs.push({ install, command: 'build', version: '1.1.0', outcome: undefined, os: os(index) });
  });
  runs.push({ install: i[0], command: 'build', version: '1.1.0', outcome: 'aborted', durationMs: 2000, os: 'linux' });
  for (const install of d) {
    runs.push({ install, command: 'deploy', version: '2.0.0', outcome: 'failure', errorType: 'DeployError', durationMs: 5000, day: '2026-11-03', ciVendor: 'GitHub Actions' });
  }
  for (const install of installs('1111111', 3)) {
    runs.push({ install, command: 'lint', version: '1.0.0', outcome: 'failure', errorType: 'LintError', durationMs: 100, day: '2026-11-03', os: 'windows', ciVendor: 'GitLab CI' });
  }
  return runs;
}

/** What the page must show for knownAnswerRuns() with the default threshold (5), as the page prints it. */
export const KNOWN_ANSWERS = {
  installs: '12',
  // Completed runs: 21 of build, 4 of deploy, 3 of lint.
  runs: '28',
  // Four killed runs from four installs: a total is a figure like any other.
  killed: 'suppressed',
  // 12 failures (5 build, 4 deploy, 3 lint) of 28 completed runs.
  failureRate: '42.9%',
  build: { installs: '5', runs: '21', success: 'suppressed', failure: '5', aborted: 'suppressed', killed: 'suppressed', p50: '600 ms', p95: '1.5 s' },
  versions: { '1.0.0': '0.0%', '1.1.0': '45.5%' },
  errorTypes: { BuildError: '5' },
  // Of 12 installs: linux 7, with darwin 2 and windows 3 hidden together; not CI 5, with GitHub Actions 4 and GitLab CI 3 hidden.
  shares: { linux: '58.3%', nodejs20: '100.0%', notCi: '41.7%' },
  days: { '2026-11-02': '21', '2026-11-03': '7' },
  suppressed: { commands: '2', cells: '4', versions: '0', errorTypes: '2', shareValues: '4', days: '0' },
} as const;
