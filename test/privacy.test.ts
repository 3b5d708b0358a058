import { mkdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyedDigest } from '../src/privacy/hash.js';
import type { Receiver, ReceivedSpan } from './support/collector.js';
import { collector, completed } from './support/collector.js';
import { cleanEnv, FIXTURES, ROOT, runNode, tempDir } from './support/child.js';
import type { Planted } from './support/hostile.js';
import { HARMLESS, hostileCorpus, random } from './support/hostile.js';

const PRIVACY_APP = join(FIXTURES, 'privacy-app.mjs');
const EMBEDDED_APP = join(FIXTURES, 'embedded-app.mjs');
/** The resource keys optel may send; anything else is identifying or not ours to send. */
const RESOURCE_KEY = /^(?:service\.(?:name|version|namespace)|telemetry\.(?:sdk|distro)\.\w+|process\.runtime\.\w+|os\.type|os\.version|host\.arch|optel\.[\w.]+|deployment\.environment(?:\.name)?)$/;

let receiver: Receiver;
beforeEach(async () => {
  receiver = await collector();
});
afterEach(async () => {
  await receiver.close();
});

/** Everything the collector received: raw bodies and request headers. */
function everythingReceived(): string {
  return receiver.requests.map((r) => `${JSON.stringify(r.headers)}\n${r.body.toString('utf8')}`).join('\n');
}

interface HostileRun {
  readonly corpus: Record<string, Planted>;
  readonly planted: Planted[];
  readonly needles: string[];
  readonly home: string;
  readonly cwd: string;
  readonly configDir: string;
  readonly stdout: string;
}

/** Runs a fixture with the corpus in its attributes, its argv, its environment, its working directory and home. */
async function runHostile(app: string, extraEnv: Record<string, string> = {}): Promise<HostileRun> {
  const corpus = hostileCorpus();
  const planted = Object.values(corpus);
  const secretDir = `client-${random(10)}`;
  const cwd = join(tempDir('optel-cwd-'), secretDir);
  mkdirSync(cwd);
  const envSecret = random(24);
  const serviceSecret = random(12);
  const env = cleanEnv({
    HOSTILE: JSON.stringify(planted.map((p) => p.value)),
    HARMLESS: JSON.stringify(HARMLESS),
    FIXTURE_ENDPOINT: receiver.url,
    FIXTURE_TRACES_URL: receiver.tracesUrl,
    GITHUB_TOKEN: corpus['github']?.value ?? '',
    AWS_SECRET_ACCESS_KEY: envSecret,
    OTEL_SERVICE_NAME: `svc-${serviceSecret}`,
    OTEL_RESOURCE_ATTRIBUTES: `host.name=host-${serviceSecret},user.name=jane-${serviceSecret}`,
    ...extraEnv,
  });
  const home = env['HOME'] ?? '';
  const args = ['--token', corpus['npm']?.value ?? '', `--password=${corpus['passwordAssignment']?.needle ?? ''}`, corpus['email']?.value ?? ''];
  const result = await runNode([app, ...args], { env, cwd });
  expect(result.code, result.stderr).toBe(0);
  const needles = [...planted.map((p) => p.needle), basename(home), secretDir, envSecret, serviceSecret, ROOT];
  if (hostname().length >= 8) needles.push(hostname());
  return { corpus, planted, needles, home, cwd, configDir: join(home, '.config', 'privacy-fixture'), stdout: result.stdout };
}

function attributesOf(span: ReceivedSpan | undefined): Record<string, unknown> {
  return span?.attributes ?? {};
}

/** The completed record of the fixture's `deploy` command (its name is scrubbed, so it is found by attribute). */
function completedDeploys(spans: readonly ReceivedSpan[]): ReceivedSpan[] {
  return spans.filter((s) => s.attributes['cli.command'] === 'deploy' && s.attributes['optel.lifecycle'] === 'completed');
}

function completedDeploy(spans: readonly ReceivedSpan[]): ReceivedSpan | undefined {
  return completedDeploys(spans)[0];
}

describe('privacy: a hostile corpus planted everywhere leaves no trace at the collector', () => {
  it("through optel's own pipeline: attributes, events, links, status, names, exceptions, argv, env, cwd, home", async () => {
    const run = await runHostile(PRIVACY_APP, { OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer ${random(30)}` });
    const spans = await receiver.waitFor(completed('privacy-fixture'));
    const received = everythingReceived();
    for (const needle of run.needles) expect(received, `leaked: ${needle}`).not.toContain(needle);

    const deploy = completedDeploy(spans);
    expect(deploy, 'the deploy command arrived').toBeDefined();
    const attributes = attributesOf(deploy);
    // Declared clear values arrive scrubbed, with a readable marker in place of each secret.
    run.planted.forEach((planted, i) => expect(attributes[`plant.${i}`], planted.value).toContain(planted.marker));
    expect(attributes['plant.cwd']).toBe('[cwd]/build/output.log');
    expect(attributes['plant.home']).toBe('~/.npmrc');
    expect(attributes['cli.command']).toBe('deploy');
    // A key with a declared shape: a listed value leaves as it is, anything else as [other].
    expect(attributes['shaped.listed']).toBe('deploy');
    expect(attributes['shaped.hostile']).toBe('[other]');
    expect(attributes['shaped.pattern']).toBe('[other]');
    // Undeclared keys never leave, not even by name.
    expect(Object.keys(attributes).filter((key) => key.includes('undeclared'))).toEqual([]);
    expect(received).not.toContain('undeclared');
    // Names, events, links and status are scrubbed too.
    expect(deploy?.name).toBe(`deploy ${run.planted[0]?.marker ?? ''}`);
    expect(deploy?.events.map((e) => e.name)).toContain(`cache miss ${run.planted[2]?.marker ?? ''}`);
    expect(deploy?.links[0]?.attributes).toEqual({ 'plant.2': run.planted[4]?.marker });
    expect(deploy?.status.message).toMatch(/^failed with .*\[redacted:.* in \[cwd\]$/);
  });

  it('keeps exception types, scrubbed messages and only relative stack frames', async () => {
    await runHostile(PRIVACY_APP);
    const spans = await receiver.waitFor(completed('privacy-fixture'));
    const deploy = completedDeploy(spans);
    const exceptions = deploy?.events.filter((e) => e.name === 'exception') ?? [];
    expect(exceptions).toHaveLength(2);
    const [planted, thrown] = exceptions;
    expect(planted?.attributes['exception.type']).toBe('Error');
    expect(planted?.attributes['exception.message']).toMatch(/^boom .*\[redacted:github-token\].* at \[cwd\]\/x and ~\/y$/);
    expect(planted?.attributes['exception.stacktrace']).toBe(
      ['    at plugin (node_modules/acme-plugin/index.js:3:3)', '    at main (test/fixtures/privacy-app.mjs:4:4)'].join('\n'),
    );
    // A real stack: only frames inside the app's package, relative to it.
    const frames = String(thrown?.attributes['exception.stacktrace']).split('\n');
    expect(frames[0]).toMatch(/^ {4}at failDeeply \(test\/fixtures\/privacy-app\.mjs:\d+:\d+\)$/);
    for (const frame of frames) expect(frame).toMatch(/^ {4}at (?:[^()]+ \()?(?:test\/fixtures\/privacy-app\.mjs|dist\/[\w.-]+|node_modules\/[^:]+):\d+:\d+\)?$/);
  });

  it('sends declared values exactly as declared: clear ones readable, hash ones as the keyed digest of this install', async () => {
    const run = await runHostile(PRIVACY_APP);
    const spans = await receiver.waitFor(completed('privacy-fixture'));
    const deploy = completedDeploy(spans);
    const attributes = attributesOf(deploy);
    HARMLESS.forEach((value, i) => expect(attributes[`harmless.${i}`], value).toBe(value));
    const key = Buffer.from(readFileSync(join(run.configDir, 'telemetry-key'), 'utf8').trim(), 'hex');
    expect(attributes['project.name']).toBe(keyedDigest(key, 'acme-secret-project'));
    const fingerprint = /fingerprint ([0-9a-f]{16})/.exec(run.stdout)?.[1];
    expect(fingerprint).toBeDefined();
    expect(attributes['config.fingerprint']).toBe(fingerprint);
  });

  it("never applies the user's OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES, and sends only non-identifying context", async () => {
    await runHostile(PRIVACY_APP);
    const spans = await receiver.waitFor(completed('privacy-fixture'));
    for (const span of spans) {
      expect(span.resource['service.name']).toBe('privacy-fixture');
      for (const key of Object.keys(span.resource)) expect(key).toMatch(RESOURCE_KEY);
    }
  });

  it("through an app's own SDK with resource detectors: nothing identifying leaves, declared values arrive as declared", async () => {
    const run = await runHostile(EMBEDDED_APP);
    const spans = await receiver.waitFor((s) => s.length >= run.planted.length);
    const received = everythingReceived();
    for (const needle of run.needles) expect(received, `leaked: ${needle}`).not.toContain(needle);
    expect(received).not.toContain('undeclared');
    for (const span of spans) {
      expect(span.resource['service.name']).toBe('embedded-fixture');
      expect(span.resource['service.version']).toBe('3.0.0');
      for (const key of Object.keys(span.resource)) expect(key).toMatch(RESOURCE_KEY);
      expect(span.attributes['cli.command']).toBe('work');
    }
    const key = Buffer.from(readFileSync(join(run.home, '.config', 'embedded-fixture', 'telemetry-key'), 'utf8').trim(), 'hex');
    expect(new Set(spans.map((s) => s.attributes['project.name']))).toEqual(new Set([keyedDigest(key, 'acme')]));
    run.planted.forEach((planted) => expect(spans.some((s) => String(s.attributes['plant.note']).includes(planted.marker)), planted.value).toBe(true));
  });

  it('hashes are stable within an install and differ across installs', async () => {
    const first = await runHostile(PRIVACY_APP);
    const again = await runNode([PRIVACY_APP], { env: cleanEnv({ HOME: first.home, XDG_CONFIG_HOME: join(first.home, '.config'), FIXTURE_ENDPOINT: receiver.url }) });
    expect(again.code, again.stderr).toBe(0);
    await runHostile(PRIVACY_APP);
    const spans = await receiver.waitFor((s) => completedDeploys(s).length === 3);
    const digests = completedDeploys(spans).map((s) => s.attributes['project.name']);
    expect(new Set(digests).size).toBe(2);
  });
});
