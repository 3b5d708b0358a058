/**
 * The user's own OpenTelemetry settings (OTEL_*) are for the user's own
 * telemetry. None of them may leak into, divert, slow or switch off what an
 * optel-instrumented app sends to its vendor; only OTEL_SDK_DISABLED=true
 * (a "no") and the app's own FIXTURE_TELEMETRY_ENDPOINT (the user's own
 * collector) change anything. Each test runs the real fixture app in a child
 * process against real loopback receivers.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkEndpoint } from '../src/config/endpoint.js';
import { startReceiver } from '../src/receiver/server.js';
import type { Receiver } from '../src/receiver/server.js';
import type { ChildResult } from './support/child.js';
import { FIXTURES, consentedEnv, runNode } from './support/child.js';
import type { NetWatch } from './support/net-watch.js';
import { netWatch } from './support/net-watch.js';
import { completedRecords, hasStartedAndCompleted, startedRecords } from './support/records.js';

const APP = join(FIXTURES, 'app.mjs');
const SECRET = 'corp-secret-7f3a';

const receivers: Receiver[] = [];
async function receiver(): Promise<Receiver> {
  const r = await startReceiver({ port: 0 });
  receivers.push(r);
  return r;
}
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

/** Runs the fixture's 'ok' scenario with a connection watcher loaded. */
async function runOk(env: Record<string, string | undefined>, watch: NetWatch = netWatch()): Promise<ChildResult> {
  return runNode([...watch.nodeArgs, APP, 'ok'], { env: consentedEnv({ ...watch.env, ...env }) });
}

/** The child ran as it does without telemetry: its one line of output, exit code 0. */
function expectAppUnchanged(result: ChildResult): void {
  expect(result.stdout).toBe('app output\n');
  expect(result.code).toBe(0);
  expect(result.signal).toBeNull();
}

function portOf(r: Receiver): number {
  return r.port;
}

describe("the user's OTEL_* exporter settings", () => {
  it("never forwards the user's OTEL exporter headers (a corporate token) to the telemetry collector", async () => {
    const collector = await receiver();
    const result = await runOk({
      FIXTURE_ENDPOINT: collector.url,
      OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer ${SECRET},x-corp-tenant=${SECRET}-tenant`,
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: `authorization=Bearer ${SECRET}-traces,x-api-key=${SECRET}-key`,
    });
    expectAppUnchanged(result);
    await collector.waitFor(hasStartedAndCompleted('fixture'));

    expect(collector.requests.length).toBeGreaterThan(0);
    for (const request of collector.requests) {
      expect(request.headers['authorization']).toBeUndefined();
      expect(request.headers['x-corp-tenant']).toBeUndefined();
      expect(request.headers['x-api-key']).toBeUndefined();
      expect(JSON.stringify(request.headers)).not.toContain(SECRET);
      expect(request.body.includes(SECRET)).toBe(false);
    }
  });

  it("does not follow the user's OTEL exporter endpoint variables; only the app's collector is contacted", async () => {
    const collector = await receiver();
    const usersOwn = await receiver();
    const watch = netWatch();
    const result = await runOk(
      {
        FIXTURE_ENDPOINT: collector.url,
        OTEL_EXPORTER_OTLP_ENDPOINT: usersOwn.url,
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: usersOwn.tracesUrl,
      },
      watch,
    );
    expectAppUnchanged(result);
    await collector.waitFor(hasStartedAndCompleted('fixture'));

    const attempts = watch.attempts();
    expect(attempts.length).toBeGreaterThan(0);
    expect(attempts.filter((a) => a.port !== portOf(collector))).toEqual([]);
    expect(usersOwn.requests).toHaveLength(0);
    expect(usersOwn.spans).toHaveLength(0);
  });

  it('still delivers when the user set a 1 ms OTEL exporter timeout, grpc protocol and gzip compression', async () => {
    const collector = await receiver();
    const result = await runOk({
      FIXTURE_ENDPOINT: collector.url,
      OTEL_EXPORTER_OTLP_TIMEOUT: '1',
      OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '1',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
      OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'gzip',
    });
    expectAppUnchanged(result);
    const spans = await collector.waitFor(hasStartedAndCompleted('fixture'));

    expect(completedRecords(spans, 'build')).toHaveLength(1);
    for (const request of collector.requests) {
      expect(request.contentType).toBe('application/json');
      expect(request.headers['content-encoding']).toBeUndefined();
    }
  });

  it("does not put the user's OTEL_RESOURCE_ATTRIBUTES or OTEL_SERVICE_NAME on the records", async () => {
    const collector = await receiver();
    const result = await runOk({
      FIXTURE_ENDPOINT: collector.url,
      OTEL_SERVICE_NAME: 'corp-billing-service',
      OTEL_RESOURCE_ATTRIBUTES: 'host.name=corp-laptop-42,user.email=jane@corp.example,service.name=corp-override',
    });
    expectAppUnchanged(result);
    const spans = await collector.waitFor(hasStartedAndCompleted('fixture'));

    for (const span of spans) {
      expect(span.resource['service.name']).toBe('fixture');
      expect(span.resource['service.version']).toBe('1.0.0');
      expect(span.resource).not.toHaveProperty('host.name');
      expect(span.resource).not.toHaveProperty('user.email');
    }
    for (const request of collector.requests) {
      for (const leaked of ['corp-billing-service', 'corp-laptop-42', 'jane@corp.example', 'corp-override']) {
        expect(request.body.includes(leaked)).toBe(false);
      }
    }
  });

  it("keeps sending when the user's sampler and span limits would drop everything", async () => {
    const collector = await receiver();
    const result = await runOk({
      FIXTURE_ENDPOINT: collector.url,
      OTEL_TRACES_SAMPLER: 'always_off',
      OTEL_TRACES_SAMPLER_ARG: '0',
      OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '0',
      OTEL_ATTRIBUTE_COUNT_LIMIT: '0',
      OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '1',
      OTEL_BSP_MAX_QUEUE_SIZE: '0',
      OTEL_LOG_LEVEL: 'verbose',
    });
    expectAppUnchanged(result);
    expect(result.stderr).toBe('');
    const spans = await collector.waitFor(hasStartedAndCompleted('build'));

    const [build] = completedRecords(spans, 'build');
    expect(build?.attributes['cli.command']).toBe('build');
    expect(build?.attributes['build.target']).toBe('web');
    expect(build?.attributes['optel.outcome']).toBe('success');
    expect(startedRecords(spans, 'fixture')).toHaveLength(1);
  });

  it('is switched off by OTEL_SDK_DISABLED=true: no connection at all, app unchanged', async () => {
    const collector = await receiver();
    const watch = netWatch();
    const result = await runOk({ FIXTURE_ENDPOINT: collector.url, OTEL_SDK_DISABLED: 'true' }, watch);
    expectAppUnchanged(result);
    expect(watch.attempts()).toEqual([]);
    expect(collector.requests).toHaveLength(0);
  });

  it('is not switched off by OTEL_SDK_DISABLED=false', async () => {
    const collector = await receiver();
    const result = await runOk({ FIXTURE_ENDPOINT: collector.url, OTEL_SDK_DISABLED: 'false' });
    expectAppUnchanged(result);
    await collector.waitFor(hasStartedAndCompleted('fixture'));
  });
});

describe('the app-specific endpoint override', () => {
  it('FIXTURE_TELEMETRY_ENDPOINT sends everything to the user’s own collector instead of the vendor’s', async () => {
    const vendor = await receiver();
    const own = await receiver();
    const watch = netWatch();
    const result = await runOk({ FIXTURE_ENDPOINT: vendor.url, FIXTURE_TELEMETRY_ENDPOINT: own.url }, watch);
    expectAppUnchanged(result);
    const spans = await own.waitFor(hasStartedAndCompleted('fixture'));

    expect(completedRecords(spans, 'build')).toHaveLength(1);
    const attempts = watch.attempts();
    expect(attempts.length).toBeGreaterThan(0);
    expect(attempts.filter((a) => a.port !== portOf(own))).toEqual([]);
    expect(vendor.requests).toHaveLength(0);
  });
});

describe('endpoints that would send in clear over a network', () => {
  it('refuses plain HTTP to a non-loopback host with one clear stderr line, no connection, and the app unchanged', async () => {
    const watch = netWatch();
    const result = await runOk({ FIXTURE_ENDPOINT: 'http://example.com' }, watch);
    expectAppUnchanged(result);

    const lines = result.stderr.split('\n').filter((line) => line.trim() !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/plain HTTP/);
    expect(lines[0]).toContain('example.com');
    expect(watch.attempts()).toEqual([]);
  });

  it('refuses plain HTTP set through FIXTURE_TELEMETRY_ENDPOINT too, without falling back to the vendor endpoint', async () => {
    const vendor = await receiver();
    const watch = netWatch();
    const result = await runOk({ FIXTURE_ENDPOINT: vendor.url, FIXTURE_TELEMETRY_ENDPOINT: 'http://example.com:4318' }, watch);
    expectAppUnchanged(result);
    expect(result.stderr).toMatch(/plain HTTP/);
    expect(watch.attempts()).toEqual([]);
    expect(vendor.requests).toHaveLength(0);
  });

  it('the connection watcher does see connections when telemetry is sent (so the checks above can fail)', async () => {
    const collector = await receiver();
    const watch = netWatch();
    const result = await runOk({ FIXTURE_ENDPOINT: collector.url }, watch);
    expectAppUnchanged(result);
    await collector.waitFor(hasStartedAndCompleted('fixture'));
    expect(watch.attempts().some((a) => a.port === collector.port)).toBe(true);
  });

  it('accepts https:// and loopback http:// (localhost, 127.x, [::1]) as endpoints', () => {
    for (const ok of ['https://telemetry.example.com', 'http://localhost:4318', 'http://127.0.0.1:4318', 'http://[::1]:4318']) {
      expect(checkEndpoint(ok, false), ok).toMatchObject({ ok: true });
    }
    const refused = checkEndpoint('http://example.com', false);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.reason).toMatch(/plain HTTP/);
  });
});
