/**
 * Consent, end to end, in real child processes: every source that can say
 * "no" turns telemetry off completely (no connection, no files, the SDK not
 * loaded) without changing what the app prints or how it exits; status()
 * names the source that decided; broken consent files never crash the app and
 * never turn telemetry on. The sources: the app's own option, the flag, the
 * env switches, CI, the user file (the project file, the first-run notice,
 * ask(), revocation and identity have files of their own).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Receiver } from '../src/receiver/server.js';
import { FIXTURES, ROOT, consentedEnv, runNode, tempDir } from './support/child.js';
import {
  APP,
  appEnv,
  configDirOf,
  consentFileOf,
  expectOkRunSends,
  expectOkRunSendsNothing,
  listTree,
  MODES_ENFORCED,
  MODES_SKIP_REASON,
  receiversForEachTest,
  runApp,
  statusOf,
} from './support/fixture-app.js';
import { hasStartedAndCompleted } from './support/records.js';

const OFF_CJS = join(FIXTURES, 'off.cjs');
const receiver = receiversForEachTest();
const restoreModes: (() => void)[] = [];
afterEach(() => {
  for (const restore of restoreModes.splice(0)) restore();
});

/** appEnv() for a user who already said yes (consent.set(true)), so runs send from the first one. */
function consentedAppEnv(collector: Receiver, extra: Record<string, string | undefined> = {}): Record<string, string> {
  return consentedEnv({ FIXTURE_ENDPOINT: collector.url, ...extra });
}

describe('each "no" turns telemetry off without changing the app', () => {
  // Each case starts from a user who said yes, so the "no" is what turns it off.
  const noCases: { readonly name: string; readonly env: Record<string, string>; readonly args?: readonly string[]; readonly decidedBy: string }[] = [
    { name: 'DO_NOT_TRACK=1', env: { DO_NOT_TRACK: '1' }, decidedBy: 'DO_NOT_TRACK' },
    { name: 'DO_NOT_TRACK=yes', env: { DO_NOT_TRACK: 'yes' }, decidedBy: 'DO_NOT_TRACK' },
    { name: 'FIXTURE_TELEMETRY_DISABLED=1', env: { FIXTURE_TELEMETRY_DISABLED: '1' }, decidedBy: 'FIXTURE_TELEMETRY_DISABLED' },
    { name: 'FIXTURE_TELEMETRY_DISABLED=true', env: { FIXTURE_TELEMETRY_DISABLED: 'true' }, decidedBy: 'FIXTURE_TELEMETRY_DISABLED' },
    // Fails closed: a value it doesn't know is still a "no".
    { name: 'FIXTURE_TELEMETRY_DISABLED=y', env: { FIXTURE_TELEMETRY_DISABLED: 'y' }, decidedBy: 'FIXTURE_TELEMETRY_DISABLED=y (not a value optel knows' },
    { name: 'FIXTURE_TELEMETRY_DISABLED=disabled', env: { FIXTURE_TELEMETRY_DISABLED: 'disabled' }, decidedBy: 'FIXTURE_TELEMETRY_DISABLED=disabled' },
    { name: 'OTEL_SDK_DISABLED=true', env: { OTEL_SDK_DISABLED: 'true' }, decidedBy: 'OTEL_SDK_DISABLED' },
    { name: 'the --disable-telemetry flag', env: {}, args: ['--disable-telemetry'], decidedBy: '--disable-telemetry' },
    { name: "the app's own consent.enabled: false", env: { FIXTURE_CODE_ENABLED: 'false' }, decidedBy: 'consent.enabled' },
    { name: 'CI (GitHub Actions), with the default consent.ci', env: { GITHUB_ACTIONS: 'true', CI: 'true' }, decidedBy: 'CI (GitHub Actions)' },
    { name: "CI, with consent.ci: 'off'", env: { CI: 'true', FIXTURE_CI: 'off' }, decidedBy: 'CI' },
    { name: 'a CI service known only by its own variable (Azure Pipelines: TF_BUILD, no CI)', env: { TF_BUILD: 'True' }, decidedBy: 'CI (Azure Pipelines)' },
  ];

  for (const no of noCases) {
    it(`${no.name}: no connection, no request, no new file, same output and exit code`, async () => {
      const collector = await receiver();
      const env = consentedAppEnv(collector, no.env);
      const before = listTree(configDirOf(env));
      const result = await expectOkRunSendsNothing(env, collector, no.args ?? []);
      expect(result.stderr).toBe('');
      expect(listTree(configDirOf(env))).toEqual(before);
    });

    it(`${no.name}, on a fresh install: no connection, no file at all, no notice`, async () => {
      const collector = await receiver();
      const env = appEnv(collector, no.env);
      const result = await expectOkRunSendsNothing(env, collector, no.args ?? []);
      expect(result.stderr).toBe('');
      expect(listTree(env['HOME'] ?? '')).toEqual([]);
    });

    it(`${no.name}: status() says off and names it as the deciding source`, async () => {
      const collector = await receiver();
      const env = consentedAppEnv(collector, no.env);
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

    const result = await expectOkRunSendsNothing(env, collector);
    expect(result.stderr).toBe('');
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

  it("the user file saying no wins over the app's own consent.enabled: true", async () => {
    const collector = await receiver();
    const env = appEnv(collector, { FIXTURE_CODE_ENABLED: 'true' });
    expect((await runApp(['set-false'], env)).code).toBe(0);
    await expectOkRunSendsNothing(env, collector);
    expect((await statusOf(env)).decidedBy).toContain(consentFileOf(env));
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

  it('status() lists every source it consulted, each with what it said', async () => {
    const collector = await receiver();
    const env = consentedAppEnv(collector, { DO_NOT_TRACK: '1' });
    const status = await statusOf(env, ['--disable-telemetry']);
    const said = Object.fromEntries(status.sources.map((s) => [s.source.split(' ').slice(0, 2).join(' '), s.value ?? null]));
    expect(said).toMatchObject({
      'code option': null,
      'flag --disable-telemetry': false,
      'env DO_NOT_TRACK=1': false,
      'env FIXTURE_TELEMETRY_DISABLED': null,
      'env OTEL_SDK_DISABLED': null,
      'CI: not': null,
      'project file': null,
      'user file': true,
    });
    expect(status.decidedBy).toBe('flag --disable-telemetry');
  });
});

describe('values that are not a "no"', () => {
  for (const value of ['0', 'false', '']) {
    it(`DO_NOT_TRACK=${JSON.stringify(value)} leaves telemetry on`, async () => {
      const collector = await receiver();
      const env = consentedAppEnv(collector, { DO_NOT_TRACK: value });
      expect((await statusOf(env)).enabled).toBe(true);
      await expectOkRunSends(env, collector);
    });
  }

  for (const value of ['0', 'OFF']) {
    it(`FIXTURE_TELEMETRY_DISABLED=${value} (a clear off) leaves telemetry on`, async () => {
      const collector = await receiver();
      const env = consentedAppEnv(collector, { FIXTURE_TELEMETRY_DISABLED: value });
      await expectOkRunSends(env, collector);
    });
  }

  it("CI=false is not CI, whatever the app's CI choice", async () => {
    const collector = await receiver();
    const env = consentedAppEnv(collector, { CI: 'false' });
    expect((await statusOf(env)).ci.detected).toBe(false);
    await expectOkRunSends(env, collector);
  });
});

describe('CI', () => {
  it("with consent.ci: 'on', the first run in CI sends, with no notice and no notice file, and the context says which CI", async () => {
    const collector = await receiver();
    const env = appEnv(collector, { GITHUB_ACTIONS: 'true', CI: 'true', FIXTURE_CI: 'on' });
    const status = await statusOf(env);
    expect(status).toMatchObject({ enabled: true, notice: 'not-needed', ci: { detected: true, vendor: 'GitHub Actions', policy: 'on' } });
    expect(status.decidedBy).toMatch(/default/);
    const result = await expectOkRunSends(env, collector);
    expect(result.stderr).toBe('');
    expect(existsSync(join(configDirOf(env), 'telemetry-notice.json'))).toBe(false);
    const [completed] = (await collector.waitFor(hasStartedAndCompleted('fixture'))).filter((s) => s.name === 'fixture');
    expect(completed?.resource).toMatchObject({ 'optel.ci': true, 'optel.ci.vendor': 'GitHub Actions' });
  });

  it("with consent.ci: 'on', any other \"no\" still wins in CI", async () => {
    const collector = await receiver();
    const env = appEnv(collector, { CI: 'true', FIXTURE_CI: 'on', DO_NOT_TRACK: '1' });
    await expectOkRunSendsNothing(env, collector);
    expect(listTree(env['HOME'] ?? '')).toEqual([]);
  });

  it("with consent.ci: 'on' in opt-in mode, CI is not a yes: nothing is sent without one", async () => {
    const collector = await receiver();
    const env = appEnv(collector, { CI: 'true', FIXTURE_CI: 'on', FIXTURE_CONSENT: 'opt-in' });
    await expectOkRunSendsNothing(env, collector);
    expect(listTree(env['HOME'] ?? '')).toEqual([]);
  });

  it('outside CI the context says optel.ci=false and names no vendor', async () => {
    const collector = await receiver();
    const env = consentedAppEnv(collector);
    await expectOkRunSends(env, collector);
    const completed = collector.spans.find((s) => s.name === 'fixture' && s.attributes['optel.lifecycle'] === 'completed');
    expect(completed?.resource['optel.ci']).toBe(false);
    expect(completed?.resource).not.toHaveProperty('optel.ci.vendor');
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
    const result = await expectOkRunSendsNothing(env, collector);
    expect(result.stderr).toBe('');
    const status = await statusOf(env);
    expect(status).toMatchObject({ enabled: false, mode: 'opt-in', notice: 'not-needed' });
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
    const result = await expectOkRunSends(env, collector);
    expect(result.stderr).toBe('');
  });

  it("the app's own consent.enabled: true is a yes: the first run sends, with no notice", async () => {
    const collector = await receiver();
    const env = appEnv(collector, { FIXTURE_CONSENT: 'opt-in', FIXTURE_CODE_ENABLED: 'true' });
    expect((await statusOf(env)).decidedBy).toContain('consent.enabled');
    const result = await expectOkRunSends(env, collector);
    expect(result.stderr).toBe('');
  });
});

describe('the OpenTelemetry SDK is loaded only with consent (CommonJS app)', () => {
  interface OffReport {
    readonly value: number;
    readonly enabled: boolean;
    readonly sampled: number;
    readonly otelModulesLoaded: number;
    readonly optelFilesLoaded: readonly string[];
    /** Node builtins first loaded after optel was required. */
    readonly builtinsLoaded: readonly string[];
  }

  async function runOffFixture(env: Record<string, string>, cwd?: string): Promise<OffReport> {
    const result = await runNode([OFF_CJS], { env, ...(cwd === undefined ? {} : { cwd }) });
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as OffReport;
  }

  // Builtins: none when an env switch settles it; otherwise only `os`, for the
  // home directory, where the search for a project file stops.
  const offCases: { readonly name: string; readonly env: Record<string, string>; readonly builtins: readonly string[] }[] = [
    { name: 'DO_NOT_TRACK=1', env: { DO_NOT_TRACK: '1' }, builtins: [] },
    // Without XDG_CONFIG_HOME the user directory would need the home directory (os): not even that is looked up.
    { name: 'DO_NOT_TRACK=1, only HOME set', env: { DO_NOT_TRACK: '1', XDG_CONFIG_HOME: undefined as unknown as string }, builtins: [] },
    { name: 'opt-in without an answer', env: { FIXTURE_CONSENT: 'opt-in' }, builtins: ['os'] },
    { name: 'in CI (default: off)', env: { CI: 'true' }, builtins: ['os'] },
    { name: 'on the run that shows the first-run notice', env: {}, builtins: ['os'] },
  ];
  for (const off of offCases) {
    it(`${off.name}: not a single @opentelemetry module nor Node builtin but os (the home directory) is loaded, and the sampler says NOT_RECORD`, async () => {
      const collector = await receiver();
      const report = await runOffFixture(appEnv(collector, off.env));
      expect(report).toEqual({ value: 42, enabled: false, sampled: 0, otelModulesLoaded: 0, optelFilesLoaded: ['index.cjs'], builtinsLoaded: off.builtins });
      expect(collector.requests).toHaveLength(0);
    });
  }

  it('in CI, detected from CommonJS too (a service known only by its own variable), even for a user who said yes', async () => {
    const collector = await receiver();
    const report = await runOffFixture(consentedAppEnv(collector, { TF_BUILD: 'True' }));
    expect(report).toEqual({ value: 42, enabled: false, sampled: 0, otelModulesLoaded: 0, optelFilesLoaded: ['index.cjs'], builtinsLoaded: ['os'] });
  });

  it('with telemetry on, the pipeline file and the builtins it needs load too (so the checks above can fail), and still no OpenTelemetry module', async () => {
    const collector = await receiver();
    const report = await runOffFixture(consentedAppEnv(collector));
    expect(report).toMatchObject({ value: 42, enabled: true, sampled: 2, otelModulesLoaded: 0, optelFilesLoaded: ['index.cjs', 'pipeline.cjs'] });
    // The twin of the builtins check above: sending loads crypto (ids, keys) and http, and the check sees them.
    expect(report.builtinsLoaded).toEqual(expect.arrayContaining(['crypto', 'http']));
    await collector.waitFor(hasStartedAndCompleted('build'));
  });

  it('with telemetry on, a run that hashes nothing, once the install id exists, loads no node:crypto and makes no key file', async () => {
    const collector = await receiver();
    const env = consentedAppEnv(collector);
    // Outside any repository: a git remote would be hashed into the project id.
    const cwd = tempDir();
    // The first run creates the install id (a random UUID, from node:crypto).
    expect((await runOffFixture(env, cwd)).builtinsLoaded).toEqual(expect.arrayContaining(['crypto']));
    const second = await runOffFixture(env, cwd);
    expect(second).toMatchObject({ enabled: true, sampled: 2, optelFilesLoaded: ['index.cjs', 'pipeline.cjs'] });
    expect(second.builtinsLoaded).toEqual(expect.arrayContaining(['http']));
    expect(second.builtinsLoaded).not.toContain('crypto');
    expect(existsSync(join(env['XDG_CONFIG_HOME'] ?? '', 'fixture', 'telemetry-id'))).toBe(true);
    expect(existsSync(join(env['XDG_CONFIG_HOME'] ?? '', 'fixture', 'telemetry-key'))).toBe(false);
    await collector.waitFor((spans) => spans.filter((span) => span.name === 'build' && span.attributes['optel.lifecycle'] === 'completed').length === 2);
  });
});

describe('the modules an ES module app loads', () => {
  const MODULE_LOG = join(FIXTURES, 'module-log.mjs');
  const DIST = pathToFileURL(join(ROOT, 'dist')).href;

  /** Runs the fixture app's `ok` scenario and lists every module it loaded, in order. */
  async function loadedModules(env: Record<string, string>): Promise<string[]> {
    const log = join(tempDir(), 'modules.log');
    const result = await runNode(['--import', MODULE_LOG, APP, 'ok'], { env: { ...env, MODULE_LOG: log } });
    expect(result.code, result.stderr).toBe(0);
    return readFileSync(log, 'utf8').split('\n').filter(Boolean);
  }
  // (Once each: on newer Node the hooks see required files too, and the exit log lists them again.)
  const ofOptel = (urls: readonly string[]): string[] => [...new Set(urls.filter((url) => url.startsWith(DIST)).map((url) => url.slice(DIST.length + 1)))];

  it('with DO_NOT_TRACK=1: one file of optel (dist/index.js), no OpenTelemetry module, no other package', async () => {
    const collector = await receiver();
    const urls = await loadedModules(appEnv(collector, { DO_NOT_TRACK: '1' }));
    expect(ofOptel(urls)).toEqual(['index.js']);
    expect(urls.filter((url) => url.includes('/node_modules/'))).toEqual([]);
  });

  it('with telemetry on, the pipeline (with the scrubber) loads too, so the checks above can fail; still no OpenTelemetry module', async () => {
    const collector = await receiver();
    const urls = await loadedModules(consentedEnv({ FIXTURE_ENDPOINT: collector.url }));
    // (The pipeline is required from its CommonJS build; see src/pipeline/load-pipeline.ts.)
    expect(ofOptel(urls)).toEqual(['index.js', 'pipeline.cjs']);
    expect(readFileSync(join(ROOT, 'dist', 'pipeline.cjs'), 'utf8')).toContain('function scrubText(');
    expect(urls.filter((url) => url.includes('/node_modules/@opentelemetry/'))).toEqual([]);
    await collector.waitFor(hasStartedAndCompleted('build'));
  });
});

describe('an unwritable config directory', () => {
  it('(read-only, mode 555) never crashes the app: a stored yes still sends, consent.set reports the failure instead of throwing', async (context) => {
    if (!MODES_ENFORCED) context.skip(MODES_SKIP_REASON);
    const collector = await receiver();
    const env = consentedAppEnv(collector);
    const dir = configDirOf(env);
    chmodSync(dir, 0o555);
    restoreModes.push(() => chmodSync(dir, 0o755));

    await expectOkRunSends(env, collector);
    expect(listTree(dir)).toEqual(['telemetry.json']);

    const set = await runApp(['set-false'], env);
    expect(set.code).toBe(0);
    const answer = JSON.parse(set.stdout) as { ok: boolean; error?: string };
    expect(answer.ok).toBe(false);
    expect(answer.error).toMatch(/EACCES|EPERM|EROFS/);
  });

  it('(no home directory at all: os.homedir() throws, no XDG_CONFIG_HOME) never crashes the app: nothing is stored, nothing is sent', async () => {
    const collector = await receiver();
    const home = tempDir();
    const env = appEnv(collector, { XDG_CONFIG_HOME: undefined, HOME: home });
    const noHome = join(FIXTURES, 'no-home.mjs');
    for (const args of [['ok'], ['ok']]) {
      const result = await runNode(['--import', noHome, APP, ...args], { env });
      expect(result, result.stderr).toMatchObject({ code: 0, signal: null, stdout: 'app output\n', stderr: '' });
    }
    const status = await runNode(['--import', noHome, APP, 'status'], { env });
    expect(JSON.parse(status.stdout)).toMatchObject({ enabled: false, notice: 'this-run' });
    const set = await runNode(['--import', noHome, APP, 'set-true'], { env });
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ ok: false, error: expect.stringMatching(/ENOTDIR/) });
    expect(collector.requests).toHaveLength(0);
    expect(listTree(home)).toEqual([]);
  });

  it('(a file where the directory should be) never crashes the app: a "no" still holds for the process, and nothing is sent', async () => {
    const collector = await receiver();
    const env = appEnv(collector);
    // XDG_CONFIG_HOME is a regular file: nothing can be created under it, not even by root.
    writeFileSync(env['XDG_CONFIG_HOME'] ?? '', 'not a directory');
    const result = await expectOkRunSendsNothing(env, collector);
    // The notice can't be recorded, so it is not shown (and never counts as seen): nothing is ever sent.
    expect(result.stderr).toBe('');
    const status = await statusOf(env);
    expect(status).toMatchObject({ enabled: false, notice: 'this-run' });

    const set = await runApp(['set-false'], env);
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ ok: false, scope: 'user' });
  });
});
