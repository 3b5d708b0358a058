/**
 * The first-run notice in opt-out mode, in real child processes: the first
 * run on a terminal says what is collected and how to say no, and sends
 * nothing, so the user can say no before anything leaves; later runs send.
 * It counts as seen only on a terminal: with stderr piped or redirected
 * (scripts, cron, containers), it is neither shown nor recorded, and nothing
 * is sent. An explicit yes skips it; a new consent version shows it again;
 * CI and every "no" never see it. Terminal runs use a pseudo-terminal
 * (test/support/terminal.ts) and skip without one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  appEnv,
  configDirOf,
  expectOkRunSends,
  expectOkRunSendsNothing,
  listTree,
  receiversForEachTest,
  runApp,
  statusOf,
} from './support/fixture-app.js';
import { HAS_TERMINAL, NO_TERMINAL } from './support/terminal.js';

const receiver = receiversForEachTest();
const ON_TERMINAL = { terminal: true } as const;

const noticeFileOf = (env: Record<string, string>): string => join(configDirOf(env), 'telemetry-notice.json');

describe('the first-run notice (opt-out mode), on a terminal', () => {
  it('the first run prints it on stderr, sends nothing and writes only the notice record; the next run sends, silently', async (context) => {
    if (!HAS_TERMINAL) context.skip(NO_TERMINAL);
    const collector = await receiver();
    const env = appEnv(collector);
    const first = await expectOkRunSendsNothing(env, collector, [], undefined, ON_TERMINAL);
    expect(first.stderr).toContain('fixture collects usage data');
    expect(first.stderr).toContain('Nothing was sent this time');
    expect(listTree(env['HOME'] ?? '')).toEqual(['.config', '.config/fixture', '.config/fixture/telemetry-notice.json']);
    expect(JSON.parse(readFileSync(noticeFileOf(env), 'utf8'))).toMatchObject({ shownVersion: '1' });

    // Seen once on a terminal: later runs send, piped or not.
    const second = await expectOkRunSends(env, collector);
    expect(second.stderr).toBe('');
    const third = await expectOkRunSends(env, collector);
    expect(third.stderr).toBe('');
  });

  it('says what is collected (the declared keys, hashed ones marked), the lasting ways to say no, the flag as one run only, and where the docs are', async (context) => {
    if (!HAS_TERMINAL) context.skip(NO_TERMINAL);
    const collector = await receiver();
    const { stderr } = await expectOkRunSendsNothing(appEnv(collector), collector, [], undefined, ON_TERMINAL);
    for (const text of [
      'cli.command',
      'build.target',
      'project.name (hashed)',
      'a random install id',
      'To turn it off for good, run `fixture telemetry disable`, or set FIXTURE_TELEMETRY_DISABLED=1 (or DO_NOT_TRACK=1) in your environment.',
      '--disable-telemetry turns it off for one run only.',
      'https://fixture.example/telemetry',
    ]) {
      expect(stderr).toContain(text);
    }
  });

  it('status() on a fresh install names the notice as what decides this run, and reading it writes nothing', async (context) => {
    if (!HAS_TERMINAL) context.skip(NO_TERMINAL);
    const collector = await receiver();
    const env = appEnv(collector);
    const status = await statusOf(env);
    expect(status).toMatchObject({ enabled: false, mode: 'opt-out', notice: 'this-run', version: '1' });
    expect(status.decidedBy).toMatch(/^first-run notice/);
    expect(listTree(env['HOME'] ?? '')).toEqual([]);

    await expectOkRunSendsNothing(env, collector, [], undefined, ON_TERMINAL);
    const after = await statusOf(env);
    expect(after).toMatchObject({ enabled: true, notice: 'seen' });
    expect(after.decidedBy).toMatch(/default/);
  });

  it('an explicit set(true) is informed consent: no notice, and the first run after it sends', async () => {
    const collector = await receiver();
    const env = appEnv(collector);
    expect((await runApp(['set-true'], env)).code).toBe(0);
    const run = await expectOkRunSends(env, collector);
    expect(run.stderr).toBe('');
    expect(existsSync(noticeFileOf(env))).toBe(false);
  });

  it('a new consent.version shows it again and that run sends nothing; the run after sends', async (context) => {
    if (!HAS_TERMINAL) context.skip(NO_TERMINAL);
    const collector = await receiver();
    const v1 = appEnv(collector);
    await expectOkRunSendsNothing(v1, collector, [], undefined, ON_TERMINAL);
    await expectOkRunSends(v1, collector);

    const v2 = { ...v1, FIXTURE_CONSENT_VERSION: '2' };
    const shown = await expectOkRunSendsNothing(v2, collector, [], undefined, ON_TERMINAL);
    expect(shown.stderr).toContain('Nothing was sent this time');
    expect(JSON.parse(readFileSync(noticeFileOf(v2), 'utf8'))).toMatchObject({ shownVersion: '2' });
    const next = await expectOkRunSends(v2, collector);
    expect(next.stderr).toBe('');
  });

  it('a yes given for an older consent version does not skip the new notice', async (context) => {
    if (!HAS_TERMINAL) context.skip(NO_TERMINAL);
    const collector = await receiver();
    const env = appEnv(collector);
    expect((await runApp(['set-true'], env)).code).toBe(0);
    const bumped = { ...env, FIXTURE_CONSENT_VERSION: '2' };
    const shown = await expectOkRunSendsNothing(bumped, collector, [], undefined, ON_TERMINAL);
    expect(shown.stderr).toContain('Nothing was sent this time');
    await expectOkRunSends(bumped, collector);
  });

  it('saying no on the notice run (the flag, or set(false)) means it was never needed: nothing is shown, sent or recorded', async (context) => {
    if (!HAS_TERMINAL) context.skip(NO_TERMINAL);
    const collector = await receiver();
    const env = appEnv(collector);
    const flagged = await expectOkRunSendsNothing(env, collector, ['--disable-telemetry'], undefined, ON_TERMINAL);
    expect(flagged.stderr).toBe('');
    expect(listTree(env['HOME'] ?? '')).toEqual([]);

    expect((await runApp(['set-false'], env)).code).toBe(0);
    const later = await expectOkRunSendsNothing(env, collector, [], undefined, ON_TERMINAL);
    expect(later.stderr).toBe('');
    expect(existsSync(noticeFileOf(env))).toBe(false);
  });

  it('in a run without commands it comes after the output; a first run that stores an answer gets none', async (context) => {
    if (!HAS_TERMINAL) context.skip(NO_TERMINAL);
    const collector = await receiver();
    const env = appEnv(collector);
    const plain = await runApp(['run-only'], env, undefined, ON_TERMINAL);
    expect(plain.stdout).toBe('app output\n');
    expect(plain.stderr).toContain('Nothing was sent this time');
    expect(existsSync(noticeFileOf(env))).toBe(true);

    for (const answer of ['run-set-true', 'run-set-false']) {
      const fresh = appEnv(collector);
      const result = await runApp([answer], fresh, undefined, ON_TERMINAL);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toBe('');
      expect(existsSync(noticeFileOf(fresh))).toBe(false);
    }
    expect(collector.requests).toHaveLength(0);
  });

  it('is not shown in opt-in mode without an answer, nor in CI', async (context) => {
    if (!HAS_TERMINAL) context.skip(NO_TERMINAL);
    const collector = await receiver();
    for (const extra of [{ FIXTURE_CONSENT: 'opt-in' }, { CI: 'true' }, { CI: 'true', FIXTURE_CI: 'on' }]) {
      const env = appEnv(collector, extra);
      const result = await runApp(['ok'], env, undefined, ON_TERMINAL);
      expect(result.stderr).toBe('');
      expect(existsSync(noticeFileOf(env))).toBe(false);
    }
  });
});

describe('the first-run notice when stderr is not a terminal', () => {
  it('is neither shown nor recorded, and nothing is sent, run after run; status says why', async () => {
    const collector = await receiver();
    const env = appEnv(collector);
    for (let i = 0; i < 3; i++) {
      const run = await expectOkRunSendsNothing(env, collector);
      expect(run.stderr).toBe('');
    }
    expect(listTree(env['HOME'] ?? '')).toEqual([]);
    const status = await statusOf(env);
    expect(status).toMatchObject({ enabled: false, notice: 'this-run' });
    expect(status.decidedBy).toBe(
      'first-run notice (consent version 1): not shown, because stderr is not a terminal; nothing is sent until it has been shown on one (or the user says yes)',
    );
  });

  it('once it was shown on a terminal, runs without one send', async (context) => {
    if (!HAS_TERMINAL) context.skip(NO_TERMINAL);
    const collector = await receiver();
    const env = appEnv(collector);
    await expectOkRunSendsNothing(env, collector);
    await expectOkRunSendsNothing(env, collector, [], undefined, ON_TERMINAL);
    const piped = await expectOkRunSends(env, collector);
    expect(piped.stderr).toBe('');
  });

  it("the user's own yes needs no notice: the next run sends, piped", async () => {
    const collector = await receiver();
    const env = appEnv(collector);
    expect((await runApp(['set-true'], env)).code).toBe(0);
    await expectOkRunSends(env, collector);
  });

  it("in CI with consent.ci: 'on' the policy is unchanged: no notice needed, the first run sends", async () => {
    const collector = await receiver();
    const env = appEnv(collector, { CI: 'true', FIXTURE_CI: 'on' });
    const run = await expectOkRunSends(env, collector);
    expect(run.stderr).toBe('');
    expect(existsSync(noticeFileOf(env))).toBe(false);
  });
});
