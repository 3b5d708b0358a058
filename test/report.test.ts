// `optel report` as its users run it: on files written by a real `optel
// receive --jsonl` with real optel apps sending to it, on a file in the
// Collector file exporter's format (OTLP/JSON requests, one per line), and
// with a fixture where one command has 4 installs and another 5.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import type { HrTime } from '@opentelemetry/api';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedSpan } from '../src/receiver/spans.js';
import type { RunningChild } from './support/child.js';
import { FIXTURES, consentedEnv, runNode, startNode } from './support/child.js';
import { buildOptelBin } from './support/optel-bin.js';
import { KNOWN_ANSWERS, knownAnswerRuns, runSpans, writeJsonl } from './support/report-fixture.js';
import { figuresOf } from './support/report-page.js';

let workDir: string;
let bin: string;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'optel-report-test-'));
  bin = await buildOptelBin(join(workDir, 'bin'));
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

async function report(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; html: string }> {
  const out = join(workDir, `report-${Math.random().toString(36).slice(2)}.html`);
  const result = await runNode([bin, 'report', ...args, '--out', out]);
  const html = result.code === 0 ? await readFile(out, 'utf8') : '';
  return { code: result.code, stdout: result.stdout, stderr: result.stderr, html };
}

async function readJsonl(path: string): Promise<ReceivedSpan[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ReceivedSpan);
}

/** Polls the JSON lines file until `done` holds; a hang guard, not a timing check. */
async function waitForLines(path: string, done: (spans: ReceivedSpan[]) => boolean): Promise<ReceivedSpan[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const spans = await readJsonl(path);
    if (done(spans)) return spans;
    if (Date.now() > deadline) throw new Error(`the JSON lines file never got what the test waits for (${spans.length} spans)`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const lifecycle = (span: ReceivedSpan): unknown => span.attributes['optel.lifecycle'];

describe('optel report on what optel receive --jsonl wrote', () => {
  let jsonl: string;
  let receiver: RunningChild;

  beforeAll(async () => {
    jsonl = join(workDir, 'received.jsonl');
    receiver = startNode([bin, 'receive', '--port', '0', '--quiet', '--jsonl', jsonl]);
    const [, url] = await receiver.waitForLine(/listening on (http:\/\/\S+)\/v1\/traces/);
    const app = (scenario: string, env: Record<string, string>) => runNode([join(FIXTURES, 'app.mjs'), scenario], { env });
    // Three installs: each consented environment is a fresh user directory, so a fresh install id.
    const first = consentedEnv({ FIXTURE_ENDPOINT: url });
    const second = consentedEnv({ FIXTURE_ENDPOINT: url });
    const third = consentedEnv({ FIXTURE_ENDPOINT: url });
    await app('ok', first);
    await app('throw', first);
    await app('ok', second);
    await app('exit-code', second);
    // Killed: SIGKILL once the started record of `watch` arrived.
    const long = startNode([join(FIXTURES, 'app.mjs'), 'long'], { env: third });
    await long.waitForStdout('ready');
    await waitForLines(jsonl, (spans) => spans.some((s) => s.name === 'watch' && lifecycle(s) === 'started'));
    long.child.kill('SIGKILL');
    await long.done;
    await waitForLines(jsonl, (spans) => spans.filter((s) => lifecycle(s) === 'completed').length >= 7);
  });

  afterAll(async () => {
    receiver.child.kill('SIGTERM');
    await receiver.done;
  });

  it('counts installs, runs, outcomes and killed commands as the records say', async () => {
    const spans = await readJsonl(jsonl);
    const result = await report([jsonl, '--min-installs', '1']);
    expect(result.code, result.stderr).toBe(0);
    const figures = figuresOf(result.html);

    // The expectations are worked out from the same file, the plain way (what the README's jq recipes do).
    const completed = spans.filter((s) => lifecycle(s) === 'completed');
    const completedIds = new Set(completed.map((s) => s.traceId + s.spanId));
    const killed = spans.filter((s) => lifecycle(s) === 'started' && !completedIds.has(s.traceId + s.parentSpanId));
    expect(killed.map((s) => s.name).sort()).toEqual(['fixture', 'watch']);
    const installs = new Set(spans.map((s) => s.resource['optel.install.id']));
    expect(installs.size).toBe(3);

    expect(figures.get('installs')).toBe('3');
    expect(figures.get('runs')).toBe(String(completed.length));
    expect(figures.get('killed')).toBe('2');
    for (const name of new Set(completed.map((s) => s.name))) {
      const ofName = completed.filter((s) => s.name === name);
      for (const outcome of ['success', 'failure', 'aborted']) {
        expect(figures.get(`command:${name}:${outcome}`), `${name} ${outcome}`).toBe(String(ofName.filter((s) => s.attributes['optel.outcome'] === outcome).length));
      }
    }
    expect(figures.get('command:watch:killed')).toBe('1');
    expect(figures.get('command:deploy:failure')).toBe('1');
    // Error types by count; one given as an exit code reads as one.
    const errorTypes = completed.map((s) => s.attributes['error.type']).filter((type) => type !== undefined).map(String);
    expect(errorTypes).toContain('DeployError');
    for (const type of new Set(errorTypes)) {
      const label = /^\d+$/.test(type) ? `exit code ${type}` : type;
      expect(figures.get(`error:${label}`), label).toBe(String(errorTypes.filter((t) => t === type).length));
    }
    expect(figures.get('share:os:linux')).toBe('100.0%');
    expect(figures.get(`share:runtime:nodejs ${process.versions.node.split('.')[0]}`)).toBe('100.0%');
    // The install ids are in the file, never on the page.
    for (const install of installs) expect(result.html).not.toContain(String(install));
  });

  it('suppresses everything when the file has fewer installs than the default threshold', async () => {
    const result = await report([jsonl]);
    expect(result.code, result.stderr).toBe(0);
    const figures = figuresOf(result.html);
    expect(figures.get('installs')).toBe('suppressed');
    expect(figures.get('runs')).toBe('suppressed');
    expect(figures.get('suppressed:commands')).toBe('4');
    expect(result.html).not.toContain('DeployError');
    expect(result.html).not.toMatch(/data-figure="command:/);
  });
});

describe("optel report on the Collector file exporter's format", () => {
  const t = (seconds: number, millis = 0): HrTime => [seconds, millis * 1e6];

  /** Records as optel sends them, from an OpenTelemetry SDK, serialized as the Collector writes them. */
  function exportedLine(install: string, os: string, runs: { name: string; outcome?: string; errorType?: string; ms: number }[]): string {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'collected', 'service.version': '3.1.0', 'os.type': os, 'process.runtime.name': 'nodejs', 'process.runtime.version': '22.1.0', 'optel.ci': false, 'optel.install.id': install }),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const tracer = provider.getTracer('optel', '0.1.0');
    for (const [index, run] of runs.entries()) {
      const start = 1_790_000_000 + index;
      const command = tracer.startSpan(run.name, { startTime: t(start), kind: SpanKind.INTERNAL }, ROOT_CONTEXT);
      tracer.startSpan(run.name, { startTime: t(start), attributes: { 'optel.lifecycle': 'started' } }, trace.setSpan(ROOT_CONTEXT, command)).end(t(start));
      // A step: a child span without optel.lifecycle, not a command.
      tracer.startSpan('compile', { startTime: t(start) }, trace.setSpan(ROOT_CONTEXT, command)).end(t(start, 5));
      if (run.outcome === undefined) continue;
      command.setAttributes({ 'optel.lifecycle': 'completed', 'optel.outcome': run.outcome, ...(run.errorType ? { 'error.type': run.errorType } : {}) });
      command.end(t(start, run.ms));
    }
    const body = JsonTraceSerializer.serializeRequest(exporter.getFinishedSpans());
    if (body === undefined) throw new Error('the serializer returned nothing');
    return new TextDecoder().decode(body);
  }

  it('reads ExportTraceServiceRequest lines and counts the same figures', async () => {
    const file = join(workDir, 'collector.json');
    const lines = [
      exportedLine('11111111-1111-4111-8111-111111111111', 'linux', [
        { name: 'build', outcome: 'success', ms: 120 },
        { name: 'build', outcome: 'failure', errorType: 'TypeError', ms: 40 },
        { name: 'sync', ms: 0 },
      ]),
      exportedLine('22222222-2222-4222-8222-222222222222', 'darwin', [{ name: 'build', outcome: 'success', ms: 300 }]),
    ];
    expect(lines[0]).toMatch(/^\{"resourceSpans":\[/);
    await writeFile(file, `${lines.join('\n')}\n`);

    const result = await report([file, '--min-installs', '1']);
    expect(result.code, result.stderr).toBe(0);
    const figures = figuresOf(result.html);
    expect(figures.get('installs')).toBe('2');
    expect(figures.get('runs')).toBe('3');
    expect(figures.get('killed')).toBe('1');
    expect(figures.get('command:build:success')).toBe('2');
    expect(figures.get('command:build:failure')).toBe('1');
    expect(figures.get('command:sync:killed')).toBe('1');
    expect(figures.get('command:build:p50')).toBe('120 ms');
    expect(figures.get('command:build:p95')).toBe('300 ms');
    expect(figures.get('error:TypeError')).toBe('1');
    expect(figures.get('version:build:3.1.0')).toBe('33.3%');
    expect(figures.get('share:os:linux')).toBe('50.0%');
    // Command spans, started records and steps: 3 command spans, 3 started records and 3 steps, plus the started record and step of the killed `sync`.
    expect(result.stdout).toContain('(11 spans;');
  });

  it('reads both formats in one run, matching started and completed records across files', async () => {
    const started = join(workDir, 'split-started.jsonl');
    const completed = join(workDir, 'split-completed.jsonl');
    const spans = runSpans({ install: 'aaaa', command: 'build', outcome: 'success' });
    writeJsonl(started, spans.slice(0, 1));
    writeJsonl(completed, spans.slice(1));
    const result = await report([started, completed, '--min-installs', '1']);
    const figures = figuresOf(result.html);
    expect(figures.get('killed')).toBe('0');
    expect(figures.get('command:build:success')).toBe('1');
  });
});

describe('optel report suppression', () => {
  it('shows a command used by 5 installs and withholds one used by 4, with what it withheld', async () => {
    const file = join(workDir, 'known.jsonl');
    writeJsonl(file, knownAnswerRuns().flatMap(runSpans));
    const result = await report([file]);
    expect(result.code, result.stderr).toBe(0);
    const figures = figuresOf(result.html);
    expect(figures.get('min-installs')).toBe('5');
    expect(figures.get('command:build:runs')).toBe(KNOWN_ANSWERS.build.runs);
    expect(figures.get('command:build:success')).toBe(KNOWN_ANSWERS.build.success);
    expect(figures.get('command:build:failure')).toBe(KNOWN_ANSWERS.build.failure);
    // Inside a shown command: the killed runs come from 4 installs.
    expect(figures.get('command:build:killed')).toBe('suppressed');
    expect(figures.get('killed')).toBe('suppressed');
    // One aborted run from one install, and the successes hidden with it:
    // otherwise the completed runs minus the rest would give it back.
    expect(figures.get('command:build:aborted')).toBe('suppressed');
    expect(figures.get('command:build:success')).toBe('suppressed');
    // The 4- and 3-install commands are gone, names and all, and the page says so.
    expect(result.html).not.toContain('deploy');
    expect(result.html).not.toContain('DeployError');
    expect(result.html).not.toContain('LintError');
    expect(figures.get('suppressed:commands')).toBe('2');
    expect(figures.get('suppressed:error-types')).toBe('2');
    expect(result.html).toContain('2 commands withheld: used by fewer than 5 installs, or hidden along with one that is.');
    expect(result.stdout).toMatch(/\d+ figure\(s\) suppressed below 5 install\(s\)/);
  });

  it('shows the 4- and 3-install commands at --min-installs 3', async () => {
    const file = join(workDir, 'known-3.jsonl');
    writeJsonl(file, knownAnswerRuns().flatMap(runSpans));
    const figures = figuresOf((await report([file, '--min-installs', '3'])).html);
    expect(figures.get('command:deploy:failure')).toBe('4');
    expect(figures.get('command:lint:failure')).toBe('3');
    expect(figures.get('command:build:killed')).toBe('4');
    expect(figures.get('error:DeployError')).toBe('4');
    expect(figures.get('suppressed:commands')).toBe('0');
  });

  it('hides a complement when the withheld commands alone would be given back by the totals', async () => {
    // build by 5 installs, deploy by 4 and nothing else: the totals minus build would be deploy.
    const file = join(workDir, 'complement.jsonl');
    writeJsonl(file, knownAnswerRuns().filter((run) => run.command !== 'lint').flatMap(runSpans));
    const result = await report([file]);
    expect(figuresOf(result.html).get('suppressed:commands')).toBe('2');
    expect(result.html).not.toMatch(/data-figure="command:/);
  });

  it('never prints a value that looks like a digest or an id in full', async () => {
    const file = join(workDir, 'digests.jsonl');
    const digest = 'f3a9c2e87b1d4e6fa0b2c3d4e5f60718';
    writeJsonl(file, runSpans({ install: 'aaaa', command: digest, outcome: 'failure', errorType: '0123456789abcdef0123' }));
    const result = await report([file, '--min-installs', '1']);
    expect(result.html).toContain('f3a9c2…');
    expect(result.html).not.toContain(digest);
    expect(result.html).not.toContain('0123456789abcdef0123');
  });

  it('counts runs without an install id, but never as installs behind a figure', async () => {
    const file = join(workDir, 'anonymous.jsonl');
    writeJsonl(file, [...runSpans({ install: undefined, command: 'build', outcome: 'success' }), ...runSpans({ install: undefined, command: 'build', outcome: 'success' })]);
    const figures = figuresOf((await report([file, '--min-installs', '1'])).html);
    // No install stands behind them, so even at k = 1 nothing is shown.
    expect(figures.get('installs')).toBe('suppressed');
    expect(figures.get('runs')).toBe('suppressed');
    expect(figures.get('suppressed:commands')).toBe('1');
  });
});

describe('optel report input and usage errors', () => {
  it('skips lines that are not OTLP JSON, says so, and reads the rest', async () => {
    const file = join(workDir, 'mixed.jsonl');
    const good = runSpans({ install: 'aaaa', command: 'build', outcome: 'success' }).map((span) => JSON.stringify(span));
    await writeFile(file, ['not json', ...good, '{"hello":"world"}', '[1,2]', ''].join('\n'));
    const result = await report([file, '--min-installs', '1']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('skipped 3 line(s)');
    expect(result.html).toContain('3 input line(s) could not be read');
    expect(figuresOf(result.html).get('command:build:success')).toBe('1');
  });

  it('skips a Collector line as a whole when one of its spans is malformed', async () => {
    const file = join(workDir, 'malformed-request.json');
    const span = (attributes: unknown) => ({ traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), name: 'build', startTimeUnixNano: '1790000000000000000', endTimeUnixNano: '1790000001000000000', attributes });
    const completed = [{ key: 'optel.lifecycle', value: { stringValue: 'completed' } }, { key: 'optel.outcome', value: { stringValue: 'success' } }];
    const request = { resourceSpans: [{ resource: { attributes: [{ key: 'optel.install.id', value: { stringValue: 'x' } }] }, scopeSpans: [{ spans: [span(completed), span('not a list')] }] }] };
    await writeFile(file, `${JSON.stringify(request)}\n`);
    const result = await report([file, '--min-installs', '1']);
    expect(result.stderr).toContain('skipped 1 line(s)');
    expect(result.stdout).toContain('(0 spans;');
  });

  it('exits 2 on a bad threshold or no file, and 1 on a file it cannot read', async () => {
    expect((await runNode([bin, 'report', 'x.jsonl', '--min-installs', '0'])).code).toBe(2);
    expect((await runNode([bin, 'report'])).code).toBe(2);
    const missing = await runNode([bin, 'report', join(workDir, 'nope.jsonl')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read');
  });

  it('prints its usage with --help', async () => {
    const result = await runNode([bin, 'report', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--min-installs');
  });
});
