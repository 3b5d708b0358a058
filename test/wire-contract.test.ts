import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Receiver, ReceivedSpan } from './support/collector.js';
import { collector, completed, find } from './support/collector.js';
import { consentedEnv, FIXTURES, ROOT, runNode } from './support/child.js';

const APP = join(FIXTURES, 'app.mjs');
const packageVersion = (path: string): string => (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
const OPTEL_PACKAGE_VERSION = packageVersion(join(ROOT, 'package.json'));
let receiver: Receiver;

beforeEach(async () => {
  receiver = await collector();
});
afterEach(async () => {
  await receiver.close();
});

function one(spans: readonly ReceivedSpan[], name: string, lifecycle?: 'started' | 'completed'): ReceivedSpan {
  const found = find(spans, name, lifecycle);
  expect(found, `exactly one ${name} ${lifecycle ?? 'span'}`).toHaveLength(1);
  return found[0] as ReceivedSpan;
}

describe('the wire contract', () => {
  it('sends a completed span per command with its attributes, outcome and exit code', async () => {
    const result = await runNode([APP, 'ok'], { env: consentedEnv({ FIXTURE_ENDPOINT: receiver.url }) });
    expect(result.code).toBe(0);
    const spans = await receiver.waitFor(completed('fixture'));

    const top = one(spans, 'fixture', 'completed');
    expect(top.parentSpanId).toBe('');
    expect(top.attributes).toMatchObject({ 'optel.lifecycle': 'completed', 'optel.outcome': 'success', 'process.exit.code': 0 });
    expect(top.status.code).not.toBe(2);

    const build = one(spans, 'build', 'completed');
    expect(build.traceId).toBe(top.traceId);
    expect(build.parentSpanId).toBe(top.spanId);
    expect(build.attributes).toMatchObject({
      'cli.command': 'build',
      'build.target': 'web',
      'optel.lifecycle': 'completed',
      'optel.outcome': 'success',
    });
    expect(build.attributes).not.toHaveProperty('error.type');
  });

  it('sends a started record as a child of the command span, with the attributes it had at start', async () => {
    await runNode([APP, 'ok'], { env: consentedEnv({ FIXTURE_ENDPOINT: receiver.url }) });
    const spans = await receiver.waitFor(completed('fixture'));
    const build = one(spans, 'build', 'completed');
    const started = one(spans, 'build', 'started');
    expect(started.traceId).toBe(build.traceId);
    expect(started.parentSpanId).toBe(build.spanId);
    expect(started.startTimeUnixNano).toBe(build.startTimeUnixNano);
    // Only what was known at the start: project.name was set later.
    expect(started.attributes).toEqual({ 'cli.command': 'build', 'build.target': 'web', 'optel.lifecycle': 'started' });
    const topStarted = one(spans, 'fixture', 'started');
    expect(topStarted.parentSpanId).toBe(one(spans, 'fixture', 'completed').spanId);
  });

  it('sends steps as child spans of their command, with their outcome', async () => {
    await runNode([APP, 'ok'], { env: consentedEnv({ FIXTURE_ENDPOINT: receiver.url }) });
    const spans = await receiver.waitFor(completed('fixture'));
    const step = one(spans, 'compile');
    expect(step.parentSpanId).toBe(one(spans, 'build', 'completed').spanId);
    expect(step.attributes).toEqual({ 'build.target': 'web', 'optel.outcome': 'success' });
  });

  it('drops undeclared attributes and sends hash-declared ones as a keyed digest', async () => {
    await runNode([APP, 'ok'], { env: consentedEnv({ FIXTURE_ENDPOINT: receiver.url }) });
    const spans = await receiver.waitFor(completed('fixture'));
    const build = one(spans, 'build', 'completed');
    expect(build.attributes).not.toHaveProperty('not.declared');
    expect(build.attributes['project.name']).toMatch(/^[0-9a-f]{16}$/);
    const raw = Buffer.concat(receiver.requests.map((r) => r.body)).toString('utf8');
    expect(raw).not.toContain('drop me');
    expect(raw).not.toContain('acme');
  });

  it('digests are stable within an install and differ across installs', async () => {
    const env = consentedEnv({ FIXTURE_ENDPOINT: receiver.url });
    await runNode([APP, 'ok'], { env });
    await runNode([APP, 'ok'], { env });
    await runNode([APP, 'ok'], { env: consentedEnv({ FIXTURE_ENDPOINT: receiver.url }) });
    const spans = await receiver.waitFor((s) => find(s, 'build', 'completed').length === 3);
    const digests = find(spans, 'build', 'completed').map((s) => s.attributes['project.name']);
    expect(digests[0]).toBe(digests[1]);
    expect(digests[2]).not.toBe(digests[0]);
  });

  it('carries service name, version and non-identifying context, and nothing that identifies the machine', async () => {
    await runNode([APP, 'ok'], { env: consentedEnv({ FIXTURE_ENDPOINT: receiver.url }) });
    const spans = await receiver.waitFor(completed('fixture'));
    const resource = one(spans, 'fixture', 'completed').resource;
    expect(resource).toMatchObject({
      'service.name': 'fixture',
      'service.version': '1.0.0',
      // optel records its own spans: it is the SDK telemetry.sdk.* names, and the distribution.
      'telemetry.sdk.name': 'optel',
      'telemetry.sdk.language': 'nodejs',
      'telemetry.sdk.version': OPTEL_PACKAGE_VERSION,
      'telemetry.distro.name': 'optel',
      'telemetry.distro.version': OPTEL_PACKAGE_VERSION,
      'process.runtime.name': 'nodejs',
      'process.runtime.version': process.versions.node,
    });
    expect(typeof resource['os.type']).toBe('string');
    expect(typeof resource['host.arch']).toBe('string');
    expect(typeof resource['optel.ci']).toBe('boolean');
    for (const key of Object.keys(resource)) {
      expect(key).not.toMatch(/^(host\.(name|id)|process\.(owner|command|command_args|command_line|executable\.path|pid)|user\.|net\.|client\.)/);
    }
    const raw = Buffer.concat(receiver.requests.map((r) => r.body)).toString('utf8');
    expect(raw).not.toContain(FIXTURES);
  });

  it('reports a thrown error as failure with its class name and status ERROR, never its message', async () => {
    const result = await runNode([APP, 'throw'], { env: consentedEnv({ FIXTURE_ENDPOINT: receiver.url }) });
    const spans = await receiver.waitFor(completed('fixture'));
    const deploy = one(spans, 'deploy', 'completed');
    expect(deploy.attributes).toMatchObject({ 'optel.outcome': 'failure', 'error.type': 'DeployError' });
    expect(deploy.status.code).toBe(2);
    expect(one(spans, 'fixture', 'completed').attributes).toMatchObject({ 'optel.outcome': 'failure', 'error.type': 'DeployError' });
    const raw = Buffer.concat(receiver.requests.map((r) => r.body)).toString('utf8');
    expect(raw).not.toContain('no credentials');
    expect(raw).not.toContain('s3://bucket');
    // Then Node's usual behaviour for an unhandled rejection.
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no credentials for s3://bucket');
  });

  it('reports a non-zero exit code returned by main as failure, and the process exits with it', async () => {
    const result = await runNode([APP, 'exit-code'], { env: consentedEnv({ FIXTURE_ENDPOINT: receiver.url }) });
    expect(result.code).toBe(3);
    const spans = await receiver.waitFor(completed('fixture'));
    expect(one(spans, 'fixture', 'completed').attributes).toMatchObject({ 'optel.outcome': 'failure', 'process.exit.code': 3, 'error.type': '3' });
  });

  it('reports process.exitCode set by main', async () => {
    const result = await runNode([APP, 'exit-code-property'], { env: consentedEnv({ FIXTURE_ENDPOINT: receiver.url }) });
    expect(result.code).toBe(5);
    const spans = await receiver.waitFor(completed('fixture'));
    expect(one(spans, 'fixture', 'completed').attributes).toMatchObject({ 'optel.outcome': 'failure', 'process.exit.code': 5 });
  });

  it('sends a command that neither run() nor shutdown() wrapped, and the app still ends normally', async () => {
    const result = await runNode([APP, 'no-shutdown'], { env: consentedEnv({ FIXTURE_ENDPOINT: receiver.url }) });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('done\n');
    const spans = await receiver.waitFor(completed('lint'));
    expect(one(spans, 'lint', 'completed').attributes).toMatchObject({ 'optel.outcome': 'success' });
  });

  it('leaves the app output untouched', async () => {
    const withTelemetry = await runNode([APP, 'ok'], { env: consentedEnv({ FIXTURE_ENDPOINT: receiver.url }) });
    const without = await runNode([APP, 'ok'], { env: consentedEnv({ FIXTURE_ENDPOINT: receiver.url, DO_NOT_TRACK: '1' }) });
    expect(withTelemetry.stdout).toBe('app output\n');
    expect(withTelemetry.stdout).toBe(without.stdout);
    expect(withTelemetry.stderr).toBe('');
    expect(without.stderr).toBe('');
  });
});
