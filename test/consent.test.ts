/**
 * Consent, end to end, in real child processes: every source that can say
 * "no" turns telemetry off completely (no connection, no files, the SDK not
 * loaded) without changing what the app prints or how it exits; status()
 * names the source that decided; broken consent files never crash the app and
 * never turn telemetry on.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startReceiver } from '../src/receiver/server.js';
import type { Receiver } from '../src/receiver/server.js';
import type { ChildResult } from './support/child.js';
import { FIXTURES, cleanEnv, runNode, tempDir } from './support/child.js';
import { netWatch } from './support/net-watch.js';
import { completedRecords, hasStartedAndCompleted } from './support/records.js';

const APP = join(FIXTURES, 'app.mjs');
const OFF_CJS = join(FIXTURES, 'off.cjs');

const receivers: Receiver[] = [];
const restoreModes: (() => void)[] = [];
afterEach(async () => {
  for (const restore of restoreModes.splice(0)) restore();
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function receiver(): Promise<Receiver> {
  const r = await startReceiver({ port: 0 });
  receivers.push(r);
  return r;
}

/** A private environment whose config dir is known, pointing the fixture at `collector`. */
function appEnv(collector: Receiver, extra: Record<string, string | undefined> = {}): Record<string, string> {
  return cleanEnv({ FIXTURE_ENDPOINT: collector.url, ...extra });
}

function configDirOf(env: Record<string, string>): string {
  const xdg = env['XDG_CONFIG_HOME'];
  if (xdg === undefined) throw new Error('cleanEnv() always sets XDG_CONFIG_HOME');
  return join(xdg, 'fixture');
}

function consentFileOf(env: Record<string, string>): string {
  return join(configDirOf(env), 'telemetry.json');
}

async function runApp(args: readonly string[], env: Record<string, string>): Promise<ChildResult> {
  return runNode([APP, ...args], { env });
}

interface Status {
  readonly enabled: boolean;
  readonly decidedBy: string;
  readonly mode: string;
}

async function statusOf(env: Record<string, string>, args: readonly string[] = []): Promise<Status> {
  const result = await runApp(['status', ...args], env);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Status;
}

/**
 * Runs the 'ok' scenario and checks it behaved exactly as without telemetry
 * and touched no network.
 */
async function expectOkRunSendsNothing(env: Record<string, string>, collector: Receiver, extraArgs: readonly string[] = []): Promise<ChildResult> {
  const watch = netWatch();
  const result = await runNode([...watch.nodeArgs, APP, 'ok', ...extraArgs], { env: { ...env, ...watch.env } });
  expect(result.stdout).toBe('app output\n');
  expect(result.code).toBe(0);
  expect(result.signal).toBeNull();
  expect(watch.attempts()).toEqual([]);
  expect(collector.requests).toHaveLength(0);
  return result;
}

async function expectOkRunSends(env: Record<string, string>, collector: Receiver): Promise<void> {
  const result = await runApp(['ok'], env);
  expect(result.stdout).toBe('app output\n');
  expect(result.code).toBe(0);
  const spans = await collector.waitFor(hasStartedAndCompleted('fixture'));
  expect(completedRecords(spans, 'build')).toHaveLength(1);
}

/** Every file and directory under `dir`, relative; [] when `dir` does not exist. */
function listTree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

/**
 * True when file modes are enforced for this process. As root (common in
 * containers and CI) chmod restricts nothing, so tests relying on it skip.
 */
function fileModesAreEnforced(): boolean {
  const dir = tempDir('optel-modes-');
  const locked = join(dir, 'locked');
  mkdirSync(locked);
  chmodSync(locked, 0o555);
  try {
    writeFileSync(join(locked, 'probe'), 'x');
    return false;
  } catch {
    return true;
  } finally {
    chmodSync(locked, 0o755);
    rmSync(dir, { recursive: true, force: true });
  }
}
const MODES_ENFORCED = fileModesAreEnforced();
const MODES_SKIP_REASON = 'file modes are not enforced for this user (running as root?), so chmod cannot make a file unreadable';

describe('each "no" turns telemetry off without changing the app', () => {
  const noCases: { readonly name: string; readonly env: Record<string, string>; readonly args?: readonly string[]; readonly decidedBy: string }[] = [
    { name: 'DO_NOT_TRACK=1', env: { DO_NOT_TRACK: '1' }, decidedBy: 'DO_NOT_TRACK' },
    { name: 'DO_NOT_TRACK=yes', env: { DO_NOT_TRACK: 'yes' }, decidedBy: 'DO_NOT_TRACK' },
    { name: 'FIXTURE_TELEMETRY_DISABLED=1', env: { FIXTURE_TELEMETRY_DISABLED: '1' }, decidedBy: 'FIXTURE_TELEMETRY_DISABLED' },
    { name: 'FIXTURE_TELEMETRY_DISABLED=true', env: { FIXTURE_TELEMETRY_DISABLED: 'true' }, decidedBy: 'FIXTURE_TELEMETRY_DISABLED' },
    { name: 'OTEL_SDK_DISABLED=true', env: { OTEL_SDK_DISABLED: 'true' }, decidedBy: 'OTEL_SDK_DISABLED' },
    { name: 'the --disable-telemetry flag', env: {}, args: ['--disable-telemetry'], decidedBy: '--disable-telemetry' },
  ];

  for (const no of noCases) {
    it(`${no.name}: no connection, no request, same output and exit code`, async () => {
      const collector = await receiver();
      const env = appEnv(collector, no.env);
      await expectOkRunSendsNothing(env, collector, no.args ?? []);
      expect(listTree(configDirOf(env))).toEqual([]);
    });

    it(`${no.name}: status() says off and names it as the deciding source`, async () => {
      const collector = await receiver();
      const env = appEnv(collector, no.env);
      const status = await statusOf(env, no.args ?? []);
      expect(status.enabled).toBe(false);
      expect(status.decidedBy).toContain(no.decidedBy);
    });
  }

  it('the user file saying enabled:false (written by consent.set(false)): nothing sent, status names the file', async () => {
    const collector = await receiver();
    const env = appEnv(collector);
    const set = await runApp(['set-false'], env);
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ ok: true, scope: 'user', path: consentFileOf(env) });
    expect(JSON.parse(readFileSync(consentFileOf(env), 'utf8'))).toMatchObject({ enabled: false });

    await expectOkRunSendsNothing(env, collector);
    const status = await statusOf(env);
    expect(status.enabled).toBe(false);
    expect(status.decidedBy).toContain(consentFileOf(env));
  });

  it('a "no" wins over the user file saying yes', async () => {
    const collector = await receiver();
    const env = appEnv(collector);
    expect((await runApp(['set-true'], env)).code).toBe(0);
    const noEnv = { ...env, DO_NOT_TRACK: '1' };
    await expectOkRunSendsNothing(noEnv, collector);
    expect((await statusOf(noEnv)).decidedBy).toContain('DO_NOT_TRACK');
  });

  it('the --disable-telemetry flag is removed from the arguments the app sees', async () => {
    const collector = await receiver();
    const result = await runApp(['argv', '--disable-telemetry', 'build', '--disable-telemetry'], appEnv(collector));
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(['argv', 'build']);
  });

  it('a --disable-telemetry after a bare -- belongs to the app and is left alone', async () => {
    const collector = await receiver();
    const result = await runApp(['argv', '--', '--disable-telemetry'], appEnv(collector));
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(['argv', '--', '--disable-telemetry']);
  });
});

describe('values that are not a "no"', () => {
  for (const value of ['0', 'false', '']) {
    it(`DO_NOT_TRACK=${JSON.stringify(value)} leaves telemetry on`, async () => {
      const collector = await receiver();
      const env = appEnv(collector, { DO_NOT_TRACK: value });
      expect((await statusOf(env)).enabled).toBe(true);
      await expectOkRunSends(env, collector);
    });
  }

  it('FIXTURE_TELEMETRY_DISABLED=0 leaves telemetry on', async () => {
    const collector = await receiver();
    const env = appEnv(collector, { FIXTURE_TELEMETRY_DISABLED: '0' });
    await expectOkRunSends(env, collector);
  });

  it('with no answer anywhere in opt-out mode, telemetry is on and the default is named as the decider', async () => {
    const collector = await receiver();
    const env = appEnv(collector);
    const status = await statusOf(env);
    expect(status).toMatchObject({ enabled: true, mode: 'opt-out' });
    expect(status.decidedBy).toMatch(/default/);
    await expectOkRunSends(env, collector);
  });
});

describe('corrupt or unreadable consent files', () => {
  const corruptions: { readonly name: string; readonly make: (path: string) => void }[] = [
    { name: 'not JSON', make: (path) => writeFileSync(path, '{not json') },
    { name: 'a non-boolean "enabled"', make: (path) => writeFileSync(path, '{"enabled":"yes"}') },
    { name: 'an empty file', make: (path) => writeFileSync(path, '') },
    { name: 'a directory in its place', make: (path) => mkdirSync(path) },
  ];

  for (const corruption of corruptions) {
    it(`a consent file that is ${corruption.name} never crashes the app and counts as no`, async () => {
      const collector = await receiver();
      const env = appEnv(collector);
      mkdirSync(configDirOf(env), { recursive: true });
      corruption.make(consentFileOf(env));

      const status = await statusOf(env);
      expect(status.enabled).toBe(false);
      expect(status.decidedBy).toContain(consentFileOf(env));
      const result = await expectOkRunSendsNothing(env, collector);
      expect(result.stderr).toBe('');
    });
  }

  it('an unreadable consent file (mode 000) never crashes the app and counts as no', async (context) => {
    if (!MODES_ENFORCED) context.skip(MODES_SKIP_REASON);
    const collector = await receiver();
    const env = appEnv(collector);
    mkdirSync(configDirOf(env), { recursive: true });
    const file = consentFileOf(env);
    writeFileSync(file, '{"enabled":true}');
    chmodSync(file, 0o000);
    restoreModes.push(() => chmodSync(file, 0o644));

    const status = await statusOf(env);
    expect(status.enabled).toBe(false);
    expect(status.decidedBy).toContain(file);
    await expectOkRunSendsNothing(env, collector);
  });
});

describe('opt-in mode', () => {
  it('with no answer, sends nothing and creates no file at all', async () => {
    const collector = await receiver();
    const env = appEnv(collector, { FIXTURE_CONSENT: 'opt-in' });
    await expectOkRunSendsNothing(env, collector);
    const status = await statusOf(env);
    expect(status).toMatchObject({ enabled: false, mode: 'opt-in' });
    expect(status.decidedBy).toMatch(/default/);
    expect(existsSync(configDirOf(env))).toBe(false);
    const home = env['HOME'];
    expect(home).toBeDefined();
    expect(listTree(home ?? '')).toEqual([]);
  });

  it('after consent.set(true), the next run sends its records', async () => {
    const collector = await receiver();
    const env = appEnv(collector, { FIXTURE_CONSENT: 'opt-in' });
    const set = await runApp(['set-true'], env);
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ ok: true, path: consentFileOf(env) });
    const status = await statusOf(env);
    expect(status.enabled).toBe(true);
    expect(status.decidedBy).toContain(consentFileOf(env));
    await expectOkRunSends(env, collector);
  });
});

describe('saying no forgets what was kept', () => {
  it('consent.set(false) deletes the hash key and the pending records, and later runs do not recreate them', async () => {
    const collector = await receiver();
    const env = appEnv(collector);
    await expectOkRunSends(env, collector);
    const dir = configDirOf(env);
    const hashKey = join(dir, 'telemetry-key');
    const pending = join(dir, 'telemetry-pending');
    expect(existsSync(hashKey)).toBe(true);
    // A record a previous run could not send.
    mkdirSync(pending, { recursive: true });
    writeFileSync(join(pending, `${Date.now()}-0000abcd.otlp.json`), '{"resourceSpans":[]}');

    const set = await runApp(['set-false'], env);
    expect(set.code, set.stderr).toBe(0);
    const answer = JSON.parse(set.stdout) as { ok: boolean; deleted: string[] };
    expect(answer.ok).toBe(true);
    expect(answer.deleted).toEqual(expect.arrayContaining([hashKey, pending]));
    expect(existsSync(hashKey)).toBe(false);
    expect(existsSync(pending)).toBe(false);

    const before = collector.requests.length;
    const watch = netWatch();
    const result = await runNode([...watch.nodeArgs, APP, 'ok'], { env: { ...env, ...watch.env } });
    expect(result.stdout).toBe('app output\n');
    expect(result.code).toBe(0);
    expect(watch.attempts()).toEqual([]);
    expect(collector.requests.length).toBe(before);
    expect(existsSync(hashKey)).toBe(false);
    expect(existsSync(pending)).toBe(false);
  });
});

describe('the OpenTelemetry SDK is loaded only with consent (CommonJS app)', () => {
  interface OffReport {
    readonly value: number;
    readonly enabled: boolean;
    readonly otelModulesLoaded: number;
  }

  async function runOffFixture(env: Record<string, string>): Promise<OffReport> {
    const result = await runNode([OFF_CJS], { env });
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as OffReport;
  }

  it('with telemetry off, not a single @opentelemetry module is loaded', async () => {
    const collector = await receiver();
    const report = await runOffFixture(appEnv(collector, { DO_NOT_TRACK: '1' }));
    expect(report).toEqual({ value: 42, enabled: false, otelModulesLoaded: 0 });
    expect(collector.requests).toHaveLength(0);
  });

  it('with telemetry on, the SDK modules are loaded (so the check above can fail)', async () => {
    const collector = await receiver();
    const report = await runOffFixture(appEnv(collector));
    expect(report.value).toBe(42);
    expect(report.enabled).toBe(true);
    expect(report.otelModulesLoaded).toBeGreaterThan(0);
    await collector.waitFor(hasStartedAndCompleted('build'));
  });
});

describe('a read-only config directory', () => {
  it('never crashes the app: telemetry still runs, consent.set reports the failure instead of throwing', async (context) => {
    if (!MODES_ENFORCED) context.skip(MODES_SKIP_REASON);
    const collector = await receiver();
    const env = appEnv(collector);
    const xdg = env['XDG_CONFIG_HOME'] ?? '';
    mkdirSync(xdg, { recursive: true });
    chmodSync(xdg, 0o555);
    restoreModes.push(() => chmodSync(xdg, 0o755));

    await expectOkRunSends(env, collector);
    expect(existsSync(configDirOf(env))).toBe(false);

    const set = await runApp(['set-false'], env);
    expect(set.code).toBe(0);
    const answer = JSON.parse(set.stdout) as { ok: boolean; error?: string };
    expect(answer.ok).toBe(false);
    expect(answer.error).toMatch(/EACCES|EPERM|EROFS/);
  });
});
