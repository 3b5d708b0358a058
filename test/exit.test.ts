import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Fault, Receiver, ReceivedSpan } from './support/collector.js';
import { collector, completed, faultyCollector, find } from './support/collector.js';
import { consentedEnv, FIXTURES, runNode, startNode } from './support/child.js';

const APP = join(FIXTURES, 'app.mjs');
/** Far above the 500 ms deadline, far below stock OpenTelemetry's 7-10 s: only catches hangs. */
const HANG_BOUND_MS = 5_000;

let receiver: Receiver;
beforeEach(async () => {
  receiver = await collector();
});
afterEach(async () => {
  await receiver.close();
});

const pendingDir = (env: Record<string, string>): string => join(env['XDG_CONFIG_HOME'] ?? '', 'fixture', 'telemetry-pending');
const pendingFiles = (env: Record<string, string>): string[] =>
  existsSync(pendingDir(env)) ? readdirSync(pendingDir(env)).filter((name) => name.endsWith('.otlp.json')) : [];

describe('a misbehaving collector never holds the app', () => {
  const faults: Fault[] = ['refused', 'black-hole', '503', 'slow', 'garbage'];
  for (const fault of faults) {
    it(`exits promptly with the app's own output and exit code when the collector is ${fault}`, async () => {
      const faulty = await faultyCollector(fault);
      try {
        const env = consentedEnv({ FIXTURE_ENDPOINT: faulty.url });
        const result = await runNode([APP, 'exit-code'], { env, timeoutMs: 20_000 });
        expect(result.signal).toBeNull();
        expect(result.code).toBe(3);
        expect(result.stdout).toBe('');
        expect(result.stderr).toBe('');
        expect(result.elapsedMs).toBeLessThan(HANG_BOUND_MS);
        // What could not be delivered is kept for the next run, not lost.
        expect(pendingFiles(env).length).toBeGreaterThan(0);
      } finally {
        await faulty.close();
      }
    });
  }

  for (const fault of ['refused', 'black-hole'] as const) {
    it(`exits promptly when the app forgot shutdown() and the collector is ${fault}`, async () => {
      const faulty = await faultyCollector(fault);
      try {
        const env = consentedEnv({ FIXTURE_ENDPOINT: faulty.url });
        const result = await runNode([APP, 'no-shutdown'], { env, timeoutMs: 20_000 });
        expect(result.signal).toBeNull();
        expect(result.code).toBe(0);
        expect(result.stdout).toBe('done\n');
        expect(result.elapsedMs).toBeLessThan(HANG_BOUND_MS);
        expect(pendingFiles(env).length).toBeGreaterThan(0);
      } finally {
        await faulty.close();
      }
    });
  }

  it('sends what a previous run could not deliver on the next run', async () => {
    const faulty = await faultyCollector('refused');
    const env = consentedEnv({ FIXTURE_ENDPOINT: faulty.url });
    await runNode([APP, 'exit-code'], { env });
    expect(pendingFiles(env).length).toBeGreaterThan(0);
    await runNode([APP, 'replay'], { env: { ...env, FIXTURE_ENDPOINT: receiver.url } });
    const spans = await receiver.waitFor((s) => find(s, 'fixture', 'completed').length === 1 && find(s, 'replay', 'completed').length === 1);
    expect(find(spans, 'fixture', 'completed')[0]?.attributes).toMatchObject({ 'process.exit.code': 3 });
    expect(pendingFiles(env)).toEqual([]);
  });
});

describe('a kept connection never holds the app', () => {
  it('exits at once after its last request, though the collector would keep the connection for minutes', async () => {
    let connections = 0;
    let requests = 0;
    const server = createServer((req, res) => {
      requests++;
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    });
    server.keepAliveTimeout = 300_000;
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const env = consentedEnv({ FIXTURE_ENDPOINT: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
      const result = await runNode([APP, 'ok-then-handles'], { env, timeoutMs: 120_000 });
      expect(result.code).toBe(0);
      const [output, alive] = result.stdout.split('\n');
      expect(output).toBe('app output');
      // Once the app is done, no socket keeps the process alive (the kept connection is unref'd).
      expect(alive).toMatch(/^alive: \[/);
      expect(alive).not.toMatch(/TCP/);
      // (Hang guard only. The check above is what catches a held connection: the agent's own idle
      // timeout would still end it after 4 s, never the collector's 300 s.)
      expect(result.elapsedMs).toBeLessThan(60_000);
      expect(requests).toBeGreaterThan(0);
      expect(pendingFiles(env)).toEqual([]);
      // (Requests share kept connections; how many depends on timing, never more than one per request.)
      expect(connections).toBeLessThanOrEqual(requests);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('how the process ends', () => {
  it('reports process.exit(n) inside main with exit code n, on the next run', async () => {
    const env = consentedEnv({ FIXTURE_ENDPOINT: receiver.url });
    const result = await runNode([APP, 'process-exit'], { env });
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('exiting\n');
    await runNode([APP, 'replay'], { env });
    const spans = await receiver.waitFor(completed('build'));
    expect(find(spans, 'build', 'completed')[0]?.attributes).toMatchObject({ 'optel.outcome': 'failure', 'process.exit.code': 4 });
    expect(find(spans, 'build', 'started')).toHaveLength(1);
  });

  it('reports an uncaught error as failure with its class name, and Node still reports it as usual', async () => {
    const env = consentedEnv({ FIXTURE_ENDPOINT: receiver.url });
    const result = await runNode([APP, 'uncaught'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('RangeError: late failure');
    await runNode([APP, 'replay'], { env });
    const spans = await receiver.waitFor(completed('build'));
    expect(find(spans, 'build', 'completed')[0]?.attributes).toMatchObject({ 'optel.outcome': 'failure', 'error.type': 'RangeError' });
    expect(JSON.stringify(spans)).not.toContain('late failure');
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`dies of ${signal} at once, as it would have without optel; the next run reports the command as aborted`, async () => {
      const env = consentedEnv({ FIXTURE_ENDPOINT: receiver.url });
      const app = startNode([APP, 'long'], { env });
      await app.waitForStdout('ready');
      await receiver.waitFor((s) => find(s, 'watch', 'started').length === 1);
      app.child.kill(signal);
      const result = await app.done;
      expect(result.signal).toBe(signal);
      expect(result.code).toBeNull();
      // Nothing could run in the dying process; the journal it left says what was cut short.
      await runNode([APP, 'replay'], { env });
      const spans = await receiver.waitFor((s) => completed('watch')(s) && completed('fixture')(s));
      expect(find(spans, 'watch', 'completed')[0]?.attributes).toMatchObject({ 'optel.lifecycle': 'completed', 'optel.outcome': 'aborted', 'cli.command': 'watch' });
      expect(find(spans, 'fixture', 'completed')[0]?.attributes).toMatchObject({ 'optel.outcome': 'aborted' });
      const watch = find(spans, 'watch', 'completed')[0] as ReceivedSpan;
      expect(watch.spanId).toBe(find(spans, 'watch', 'started')[0]?.parentSpanId);
    });
  }

  it("lets the app's own signal handler decide, and still reports the command as aborted", async () => {
    const env = consentedEnv({ FIXTURE_ENDPOINT: receiver.url });
    const app = startNode([APP, 'long-own-handler'], { env });
    await app.waitForStdout('ready');
    await receiver.waitFor((s) => find(s, 'watch', 'started').length === 1);
    app.child.kill('SIGTERM');
    const result = await app.done;
    expect(result.code).toBe(7);
    expect(result.stdout).toContain('app cleanup');
    // The app exited at once; the record went to the spool and leaves with the next run.
    await runNode([APP, 'replay'], { env });
    const spans = await receiver.waitFor(completed('watch'));
    expect(find(spans, 'watch', 'completed')[0]?.attributes).toMatchObject({ 'optel.outcome': 'aborted' });
  });

  it('keeps a command killed by SIGKILL visible as started', async () => {
    const app = startNode([APP, 'long'], { env: consentedEnv({ FIXTURE_ENDPOINT: receiver.url }) });
    await app.waitForStdout('ready');
    const spans = await receiver.waitFor((s) => find(s, 'watch', 'started').length === 1);
    app.child.kill('SIGKILL');
    const result = await app.done;
    expect(result.signal).toBe('SIGKILL');
    expect(find(spans, 'watch', 'started')[0]?.attributes).toMatchObject({ 'cli.command': 'watch', 'optel.lifecycle': 'started' });
    expect(find(receiver.spans, 'watch', 'completed')).toHaveLength(0);
  });
});
