import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collector, find } from './support/collector.js';
import { cleanEnv, consentedEnv, ROOT, runNode, startNode } from './support/child.js';
import { sendRequest } from './support/http-request.js';

const SERVER = join(ROOT, 'examples', 'server', 'serve.mjs');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'app.mjs');

describe('a long-running command (examples/server)', () => {
  it('stays open while the server runs, records requests as steps, and ends as aborted on Ctrl-C', async () => {
    const receiver = await collector();
    try {
      const server = startNode([SERVER], { env: consentedEnv({ SERVE_EXAMPLE_TELEMETRY_ENDPOINT: receiver.url }, 'serve-example') });
      const [, url] = (await server.waitForLine(/^listening on (http:\/\/127\.0\.0\.1:\d+)$/)) as unknown as [string, string];
      // The started record arrives while the server runs; no completed record yet.
      await receiver.waitFor((spans) => find(spans, 'serve', 'started').length > 0);
      expect((await sendRequest(`${url}/hello`, { method: 'GET' })).text).toBe('hello\n');
      expect((await sendRequest(`${url}/fail`, { method: 'GET' })).status).toBe(500);
      expect((await sendRequest(`${url}/nope`, { method: 'GET' })).status).toBe(404);
      expect(find(receiver.spans, 'serve', 'completed')).toHaveLength(0);

      server.child.kill('SIGINT');
      const result = await server.done;
      // The app's own handler closed the server and chose the exit code.
      expect(result.code).toBe(130);
      const spans = await receiver.waitFor((all) => find(all, 'serve', 'completed').length > 0 && find(all, 'request').length === 3);
      const serve = find(spans, 'serve', 'completed')[0];
      expect(serve?.attributes).toMatchObject({ 'optel.outcome': 'aborted', 'process.exit.code': 130 });
      const requests = find(spans, 'request');
      expect(requests.every((r) => r.parentSpanId === serve?.spanId)).toBe(true);
      const byRoute = Object.fromEntries(requests.map((r) => [r.attributes['http.route'], r]));
      expect(byRoute['/hello']?.attributes).toMatchObject({ 'optel.outcome': 'success', 'http.response.status_code': 200 });
      expect(byRoute['/fail']?.attributes).toMatchObject({ 'optel.outcome': 'failure', 'error.type': 'RouteError' });
      expect(byRoute['/fail']?.status.code).toBe(2);
      expect(byRoute['other']?.attributes).toMatchObject({ 'optel.outcome': 'success', 'http.response.status_code': 404 });
    } finally {
      await receiver.close();
    }
  });

  it('behaves the same with telemetry off: serves, and Ctrl-C ends it with the app\'s exit code', async () => {
    const server = startNode([SERVER], { env: cleanEnv({ DO_NOT_TRACK: '1' }) });
    const [, url] = (await server.waitForLine(/^listening on (http:\/\/127\.0\.0\.1:\d+)$/)) as unknown as [string, string];
    expect((await sendRequest(`${url}/hello`, { method: 'GET' })).text).toBe('hello\n');
    server.child.kill('SIGINT');
    const result = await server.done;
    expect(result.code).toBe(130);
    expect(result.stderr).toBe('');
  });
});

describe('cmd.keepOpen(until)', () => {
  const start = (receiverUrl: string, extra: Record<string, string> = {}) => startNode([FIXTURE, 'kept-open'], { env: consentedEnv({ FIXTURE_ENDPOINT: receiverUrl, ...extra }) });

  it('ends the command as a success when what it was kept open for resolves, and command() resolves then', async () => {
    const receiver = await collector();
    try {
      const app = start(receiver.url);
      await app.waitForStdout('ready\n');
      await receiver.waitFor((spans) => find(spans, 'serve', 'started').length > 0);
      expect(app.stdout()).not.toContain('returned');
      app.child.kill('SIGUSR2');
      const result = await app.done;
      expect(result.code).toBe(0);
      expect(result.stdout).toBe('ready\nreturned started\n');
      const spans = await receiver.waitFor((all) => find(all, 'serve', 'completed').length > 0 && find(all, 'wait').length > 0);
      expect(find(spans, 'serve', 'completed')[0]?.attributes).toMatchObject({ 'optel.outcome': 'success' });
      expect(find(spans, 'wait')[0]?.attributes).toMatchObject({ 'optel.outcome': 'success' });
    } finally {
      await receiver.close();
    }
  });

  it('ends it as a failure when that promise rejects', async () => {
    const receiver = await collector();
    try {
      const app = start(receiver.url, { FIXTURE_UNTIL: 'reject' });
      await app.waitForStdout('ready\n');
      app.child.kill('SIGUSR2');
      const result = await app.done;
      // The rejection reaches the app as command()'s rejection.
      expect(result.code).toBe(0);
      expect(result.stdout).toBe('ready\nreturned an error: DeployError\n');
      const spans = await receiver.waitFor((all) => find(all, 'serve', 'completed').length > 0 && find(all, 'wait').length > 0);
      expect(find(spans, 'serve', 'completed')[0]?.attributes).toMatchObject({ 'optel.outcome': 'failure', 'error.type': 'DeployError' });
      expect(find(spans, 'wait')[0]?.attributes).toMatchObject({ 'optel.outcome': 'failure', 'error.type': 'DeployError' });
    } finally {
      await receiver.close();
    }
  });

  it('without run() and without a handler of the app, Ctrl-C kills the process at once; the next run ends the command and its running step as aborted', async () => {
    const receiver = await collector();
    try {
      const env = consentedEnv({ FIXTURE_ENDPOINT: receiver.url });
      const app = startNode([FIXTURE, 'kept-open'], { env });
      await app.waitForStdout('ready\n');
      await receiver.waitFor((spans) => find(spans, 'serve', 'started').length > 0);
      app.child.kill('SIGINT');
      const result = await app.done;
      expect(result.signal).toBe('SIGINT');
      // Nothing runs in a process dying of a signal; its journal tells the next run (README, Signals).
      await runNode([FIXTURE, 'replay'], { env });
      const spans = await receiver.waitFor((all) => find(all, 'serve', 'completed').length > 0 && find(all, 'wait').length > 0);
      expect(find(spans, 'serve', 'completed')[0]?.attributes).toMatchObject({ 'optel.outcome': 'aborted' });
      expect(find(spans, 'wait')[0]?.attributes).toMatchObject({ 'optel.outcome': 'aborted' });
    } finally {
      await receiver.close();
    }
  });

  it('inside run() too, Ctrl-C without a handler of the app kills the process at once; the next run ends both commands as aborted', async () => {
    const receiver = await collector();
    try {
      const env = consentedEnv({ FIXTURE_ENDPOINT: receiver.url, FIXTURE_IN_RUN: '1' });
      const app = startNode([FIXTURE, 'kept-open'], { env });
      await app.waitForStdout('ready\n');
      await receiver.waitFor((spans) => find(spans, 'serve', 'started').length > 0);
      app.child.kill('SIGINT');
      const result = await app.done;
      expect(result.signal).toBe('SIGINT');
      await runNode([FIXTURE, 'replay'], { env });
      const spans = await receiver.waitFor((all) => find(all, 'serve', 'completed').length > 0 && find(all, 'fixture', 'completed').length > 0);
      expect(find(spans, 'serve', 'completed')[0]?.attributes).toMatchObject({ 'optel.outcome': 'aborted' });
      expect(find(spans, 'fixture', 'completed')[0]?.attributes).toMatchObject({ 'optel.outcome': 'aborted' });
    } finally {
      await receiver.close();
    }
  });
});
