import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import type { HrTime } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import type { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedSpan } from '../src/receiver/spans.js';
import type { ChildResult, RunningChild } from './support/child.js';
import { consentedEnv, ROOT, runNode, startNode } from './support/child.js';
import { buildOptelBin } from './support/optel-bin.js';
import { isolateFromOtelEnv } from './support/otel-env.js';
import { createStockPipeline } from './support/stock-pipeline.js';

const LISTENING = /^optel receive: listening on (http:\/\/127\.0\.0\.1:(\d+)\/v1\/traces)$/;

let workDir: string;
let bin: string;
let restoreEnv: () => void;

beforeAll(async () => {
  restoreEnv = isolateFromOtelEnv();
  workDir = await mkdtemp(join(tmpdir(), 'optel-bin-test-'));
  bin = await buildOptelBin(join(workDir, 'bin'));
});

afterAll(async () => {
  restoreEnv();
  await rm(workDir, { recursive: true, force: true });
});

const children: RunningChild[] = [];
function receive(args: string[]): RunningChild {
  const child = startNode([bin, 'receive', ...args]);
  children.push(child);
  return child;
}
afterEach(() => {
  // A failed test must not leave a receiver running.
  for (const child of children.splice(0)) {
    if (child.child.exitCode === null && child.child.signalCode === null) child.child.kill('SIGKILL');
  }
});

const t = (seconds: number, nanos: number): HrTime => [seconds, nanos];
const exitOf = ({ code, signal }: ChildResult): Pick<ChildResult, 'code' | 'signal'> => ({ code, signal });

/** What an optel-instrumented `build` command emits: a start marker, one step, the completed command. */
function recordBuildCommand(provider: BasicTracerProvider): void {
  const tracer = provider.getTracer('optel', '0.1.0');
  const started = tracer.startSpan(
    'build',
    { startTime: t(1_700_000_000, 0), attributes: { 'optel.lifecycle': 'started', 'cli.command': 'build' } },
    ROOT_CONTEXT,
  );
  started.end(t(1_700_000_000, 0));
  const command = tracer.startSpan('build', { startTime: t(1_700_000_000, 0) }, ROOT_CONTEXT);
  const step = tracer.startSpan('compile', { startTime: t(1_700_000_000, 500_000_000) }, trace.setSpan(ROOT_CONTEXT, command));
  step.end(t(1_700_000_000, 700_000_000));
  command.setAttributes({
    'optel.lifecycle': 'completed',
    'optel.outcome': 'success',
    'process.exit.code': 0,
    'cli.command': 'build',
  });
  command.end(t(1_700_000_001, 230_000_000));
}

async function exportBuildCommand(tracesUrl: string): Promise<void> {
  const pipeline = createStockPipeline({
    tracesUrl,
    encoding: 'json',
    compression: 'none',
    resource: { 'service.name': 'my-cli' },
  });
  try {
    recordBuildCommand(pipeline.provider);
    await pipeline.flush();
    expect(pipeline.results.map((result) => result.code)).toEqual([ExportResultCode.SUCCESS]);
  } finally {
    await pipeline.shutdown();
  }
}

describe('optel receive', () => {
  it('prints the endpoint, prints and records each span, and stops cleanly on SIGTERM', async () => {
    const jsonl = join(workDir, 'spans.jsonl');
    const child = receive(['--port', '0', '--jsonl', jsonl]);
    const [, tracesUrl, port] = await child.waitForLine(LISTENING);
    expect(Number(port)).toBeGreaterThan(0);
    expect(child.stdoutLines()[0]).toBe(`optel receive: listening on ${tracesUrl}`);

    await exportBuildCommand(tracesUrl ?? '');
    const lines = await child.waitForLines(4);
    expect(lines.slice(1)).toEqual([
      '▶ build  started  {cli.command=build}',
      '  · compile  step  0.20 s',
      '✔ build  completed  success  1.23 s  exit=0  {cli.command=build}',
    ]);

    const records = (await readFile(jsonl, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as ReceivedSpan);
    expect(records.map((span) => [span.name, span.attributes['optel.lifecycle'] ?? null])).toEqual([
      ['build', 'started'],
      ['compile', null],
      ['build', 'completed'],
    ]);
    const [, step, command] = records;
    expect(step?.parentSpanId).toBe(command?.spanId);
    expect(command).toMatchObject({
      parentSpanId: '',
      startTimeUnixNano: '1700000000000000000',
      endTimeUnixNano: '1700000001230000000',
      attributes: { 'optel.outcome': 'success', 'process.exit.code': 0, 'cli.command': 'build' },
      status: { code: 0 },
      resource: { 'service.name': 'my-cli' },
    });

    child.child.kill('SIGTERM');
    expect(exitOf(await child.done)).toEqual({ code: 0, signal: null });
    expect(child.stderr()).toBe('optel receive: stopped (SIGTERM) after 3 span(s)\n');
  });

  it('prints only the listening line with --quiet, and stops cleanly on SIGINT', async () => {
    const jsonl = join(workDir, 'quiet.jsonl');
    const child = receive(['--quiet', '--jsonl', jsonl, '--port', '0']);
    const [, tracesUrl] = await child.waitForLine(LISTENING);
    await exportBuildCommand(tracesUrl ?? '');
    // The exporter only sees success after the spans were written to the file.
    expect((await readFile(jsonl, 'utf8')).trimEnd().split('\n')).toHaveLength(3);

    child.child.kill('SIGINT');
    expect(exitOf(await child.done)).toEqual({ code: 0, signal: null });
    expect(child.stdout()).toBe(`optel receive: listening on ${tracesUrl}\n`);
    expect(child.stderr()).toBe('optel receive: stopped (SIGINT) after 3 span(s)\n');
  });

  it('exits 1 with a clear message when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = blocker.address() as AddressInfo;
      const result = await runNode([bin, 'receive', '--port', String(port)]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(`optel receive: cannot listen on 127.0.0.1:${port}: address already in use\n`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('exits 1 when the jsonl file cannot be written', async () => {
    const result = await runNode([bin, 'receive', '--port', '0', '--jsonl', join(workDir, 'missing', 'x.jsonl')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^optel receive: cannot write the JSON lines file .*x\.jsonl: ENOENT/);
  });
});

describe('optel usage', () => {
  it.each([
    [['receive', '--bogus'], "optel receive: Unknown option '--bogus'\nRun 'optel receive --help' for usage.\n"],
    [['receive', '--port'], "optel receive: Option '--port <value>' argument missing\nRun 'optel receive --help' for usage.\n"],
    [['receive', '--port', '70000'], "optel receive: --port must be an integer from 0 to 65535, got '70000'\nRun 'optel receive --help' for usage.\n"],
    [['receive', 'extra'], "optel receive: Unexpected argument 'extra'\nRun 'optel receive --help' for usage.\n"],
    [['nope'], "optel: unknown command 'nope'\nRun 'optel --help' for usage.\n"],
  ])('optel %j exits 2 with a message on stderr', async (args, message) => {
    const result = await runNode([bin, ...args]);
    expect(result).toMatchObject({ code: 2, stdout: '', stderr: message });
  });

  it.each([[[]], [['--help']], [['-h']]])('optel %j prints the usage and exits 0', async (args) => {
    const result = await runNode([bin, ...args]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^Usage: optel <command>/);
    expect(result.stdout).toMatch(/receive/);
  });

  it('optel receive --help prints the options and exits 0', async () => {
    const result = await runNode([bin, 'receive', '--help']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^Usage: optel receive \[options\]/);
    for (const flag of ['--port', '--host', '--jsonl', '--quiet']) expect(result.stdout).toContain(flag);
  });

  it("optel receive --help names <APP>_TELEMETRY_ENDPOINT, and its example works: the fixture app's spans reach the receiver", async () => {
    const help = (await runNode([bin, 'receive', '--help'])).stdout;
    expect(help).toContain('<APP>_TELEMETRY_ENDPOINT');
    const example = /^\s+ACME_TELEMETRY_ENDPOINT=(http:\/\/127\.0\.0\.1):4318 acme build$/m.exec(help);
    expect(example, help).not.toBeNull();
    const receiver = startNode([bin, 'receive', '--port', '0']);
    try {
      const [, , port] = await receiver.waitForLine(LISTENING);
      // The same line for the fixture app (name `fixture`), on the port the receiver picked.
      const endpoint = `${example?.[1] ?? ''}:${port ?? ''}`;
      const app = await runNode([join(ROOT, 'test', 'fixtures', 'app.mjs'), 'ok'], {
        env: consentedEnv({ FIXTURE_TELEMETRY_ENDPOINT: endpoint }),
      });
      expect(app.code, app.stderr).toBe(0);
      await receiver.waitForStdout('fixture', 15_000);
    } finally {
      receiver.child.kill('SIGTERM');
      await receiver.done;
    }
  });
});
