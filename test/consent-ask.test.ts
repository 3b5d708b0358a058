/**
 * `consent.ask()`: a y/N prompt, default no, only for a person at an
 * interactive terminal. The terminal is real: the fixture runs under
 * util-linux `script`, which gives it a pseudo-terminal as stdin, stdout and
 * stderr. Without a terminal, in CI, or when a "no" already stands, nothing
 * is asked and nothing is written.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/child.js';
import { APP, appEnv, consentFileOf, expectOkRunSends, listTree, receiversForEachTest, runApp } from './support/fixture-app.js';

const receiver = receiversForEachTest();
const HAS_SCRIPT = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
const NO_SCRIPT = 'util-linux `script` is not installed, so no pseudo-terminal can be made';
const PROMPT = 'Allow fixture to send usage data? [y/N]';

interface TerminalRun {
  /** Everything the terminal showed (stdout and stderr share it). */
  readonly screen: string;
  readonly code: number | null;
  /** Whether the prompt appeared. */
  readonly prompted: boolean;
  readonly result: { readonly enabled: boolean; readonly decidedBy: string } | undefined;
}

const quote = (text: string): string => `'${text.replace(/'/g, "'\\''")}'`;

/**
 * Runs the fixture's `ask` scenario on a pseudo-terminal and types `answer`
 * (a line) when the prompt appears; `undefined` types nothing.
 */
function askOnTerminal(env: Record<string, string>, answer: string | undefined, args: readonly string[] = []): Promise<TerminalRun> {
  const command = [process.execPath, APP, 'ask', ...args].map(quote).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  let prompted = false;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    screen += chunk;
    if (!prompted && screen.includes('[y/N]')) {
      prompted = true;
      if (answer !== undefined) child.stdin.write(`${answer}\n`);
    }
  });
  const hang = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(hang);
      const line = /ask result: (\{.*\})/.exec(screen)?.[1];
      resolve({ screen, code, prompted, result: line === undefined ? undefined : (JSON.parse(line) as TerminalRun['result']) });
    });
  });
}

describe('consent.ask() on an interactive terminal', () => {
  it('asks y/N with what is collected; "y" stores yes, and the next run sends without a notice', async (context) => {
    if (!HAS_SCRIPT) context.skip(NO_SCRIPT);
    const collector = await receiver();
    const env = appEnv(collector, { FIXTURE_CONSENT: 'opt-in' });
    const run = await askOnTerminal(env, 'y');
    expect(run.code, run.screen).toBe(0);
    expect(run.screen).toContain(PROMPT);
    expect(run.screen).toContain('fixture collects usage data');
    expect(run.result).toMatchObject({ enabled: true });
    expect(run.result?.decidedBy).toContain(consentFileOf(env));
    expect(JSON.parse(readFileSync(consentFileOf(env), 'utf8'))).toMatchObject({ enabled: true, version: '1' });
    const next = await expectOkRunSends(env, collector);
    expect(next.stderr).toBe('');
  });

  const noes: { readonly typed: string; readonly name: string }[] = [
    { typed: '', name: 'Enter (the default)' },
    { typed: 'n', name: '"n"' },
    { typed: 'sure', name: 'anything but y/yes' },
  ];
  for (const no of noes) {
    it(`${no.name} stores no`, async (context) => {
      if (!HAS_SCRIPT) context.skip(NO_SCRIPT);
      const collector = await receiver();
      const env = appEnv(collector, { FIXTURE_CONSENT: 'opt-in' });
      const run = await askOnTerminal(env, no.typed);
      expect(run.prompted, run.screen).toBe(true);
      expect(run.result).toMatchObject({ enabled: false });
      expect(JSON.parse(readFileSync(consentFileOf(env), 'utf8'))).toMatchObject({ enabled: false });
    });
  }

  it('no answer before the timeout counts as no for this run and stores nothing', async (context) => {
    if (!HAS_SCRIPT) context.skip(NO_SCRIPT);
    const collector = await receiver();
    const env = appEnv(collector, { FIXTURE_CONSENT: 'opt-in', FIXTURE_ASK_TIMEOUT_MS: '200' });
    const run = await askOnTerminal(env, undefined);
    expect(run.code, run.screen).toBe(0);
    expect(run.prompted).toBe(true);
    expect(run.result).toMatchObject({ enabled: false });
    expect(run.result?.decidedBy).toMatch(/^ask\(\): no answer within 200 ms/);
    expect(listTree(env['HOME'] ?? '')).toEqual([]);
  });

  it('in opt-out mode too, no answer is a no for this run, though telemetry was on', async (context) => {
    if (!HAS_SCRIPT) context.skip(NO_SCRIPT);
    const collector = await receiver();
    const env = appEnv(collector, { FIXTURE_ASK_TIMEOUT_MS: '200' });
    expect((await runApp(['run-only'], env, undefined, { terminal: true })).code).toBe(0);
    expect(JSON.parse((await runApp(['status'], env)).stdout)).toMatchObject({ enabled: true, notice: 'seen' });
    const run = await askOnTerminal(env, undefined);
    expect(run.prompted, run.screen).toBe(true);
    expect(run.result).toMatchObject({ enabled: false });
    expect(existsSync(consentFileOf(env))).toBe(false);
  });

  it('in opt-out mode, a "y" is informed consent: the next run sends with no notice', async (context) => {
    if (!HAS_SCRIPT) context.skip(NO_SCRIPT);
    const collector = await receiver();
    const env = appEnv(collector);
    expect((await askOnTerminal(env, 'yes')).result).toMatchObject({ enabled: true });
    const next = await expectOkRunSends(env, collector);
    expect(next.stderr).toBe('');
  });

  it('does not ask again after a yes for this consent version, and asks again after a version bump', async (context) => {
    if (!HAS_SCRIPT) context.skip(NO_SCRIPT);
    const collector = await receiver();
    const env = appEnv(collector, { FIXTURE_CONSENT: 'opt-in' });
    expect((await runApp(['set-true'], env)).code).toBe(0);
    const again = await askOnTerminal(env, 'n');
    expect(again.prompted, again.screen).toBe(false);
    expect(again.result).toMatchObject({ enabled: true });

    const bumped = await askOnTerminal({ ...env, FIXTURE_CONSENT_VERSION: '2' }, 'y');
    expect(bumped.prompted, bumped.screen).toBe(true);
    expect(JSON.parse(readFileSync(consentFileOf(env), 'utf8'))).toMatchObject({ enabled: true, version: '2' });
  });
});

describe('consent.ask() never asks', () => {
  const refusals: { readonly name: string; readonly env: Record<string, string>; readonly args?: readonly string[] }[] = [
    { name: 'in CI, even on a terminal', env: { CI: 'true', FIXTURE_CONSENT: 'opt-in' } },
    { name: "in CI with consent.ci: 'on'", env: { CI: 'true', FIXTURE_CI: 'on', FIXTURE_CONSENT: 'opt-in' } },
    { name: 'when DO_NOT_TRACK already says no', env: { DO_NOT_TRACK: '1', FIXTURE_CONSENT: 'opt-in' } },
    { name: 'when the flag already says no', env: { FIXTURE_CONSENT: 'opt-in' }, args: ['--disable-telemetry'] },
  ];
  for (const refusal of refusals) {
    it(`${refusal.name}: no prompt, no file`, async (context) => {
      if (!HAS_SCRIPT) context.skip(NO_SCRIPT);
      const collector = await receiver();
      const env = appEnv(collector, refusal.env);
      const run = await askOnTerminal(env, 'y', refusal.args);
      expect(run.prompted, run.screen).toBe(false);
      expect(run.result).toMatchObject({ enabled: false });
      expect(listTree(env['HOME'] ?? '')).toEqual([]);
    });
  }

  it('without a terminal (stdin and stderr not TTYs): no prompt, no file, the status as it was', async () => {
    const collector = await receiver();
    const env = appEnv(collector, { FIXTURE_CONSENT: 'opt-in' });
    const result = await runApp(['ask'], env);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('ask result: {"enabled":false');
    expect(existsSync(consentFileOf(env))).toBe(false);
    expect(listTree(env['HOME'] ?? '')).toEqual([]);
  });
});
