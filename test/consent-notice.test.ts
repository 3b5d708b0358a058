/**
 * The first-run notice in opt-out mode, in real child processes: the first
 * run says what is collected and how to say no, and sends nothing, so the
 * user can say no before anything leaves; later runs send. An explicit yes
 * skips it; a new consent version shows it again; CI and every "no" never
 * see it.
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

const receiver = receiversForEachTest();

const noticeFileOf = (env: Record<string, string>): string => join(configDirOf(env), 'telemetry-notice.json');

describe('the first-run notice (opt-out mode)', () => {
  it('the first run prints it on stderr, sends nothing and writes only the notice record; the next run sends, silently', async () => {
    const collector = await receiver();
    const env = appEnv(collector);
    const first = await expectOkRunSendsNothing(env, collector);
    expect(first.stderr).toContain('fixture collects usage data');
    expect(first.stderr).toContain('Nothing was sent this time');
    expect(listTree(env['HOME'] ?? '')).toEqual(['.config', '.config/fixture', '.config/fixture/telemetry-notice.json']);
    expect(JSON.parse(readFileSync(noticeFileOf(env), 'utf8'))).toMatchObject({ shownVersion: '1' });

    const second = await expectOkRunSends(env, collector);
    expect(second.stderr).toBe('');
    const third = await expectOkRunSends(env, collector);
    expect(third.stderr).toBe('');
  });

  it('says what is collected (the declared keys, hashed ones marked), every way to say no, and where the docs are', async () => {
    const collector = await receiver();
    const { stderr } = await expectOkRunSendsNothing(appEnv(collector), collector);
    for (const text of [
      'cli.command',
      'build.target',
      'project.name (hashed)',
      'a random install id',
      'FIXTURE_TELEMETRY_DISABLED=1',
      'DO_NOT_TRACK=1',
      '--disable-telemetry',
      '`fixture telemetry disable`',
      'https://fixture.example/telemetry',
    ]) {
      expect(stderr).toContain(text);
    }
  });

  it('status() on a fresh install names the notice as what decides this run, and reading it writes nothing', async () => {
    const collector = await receiver();
    const env = appEnv(collector);
    const status = await statusOf(env);
    expect(status).toMatchObject({ enabled: false, mode: 'opt-out', notice: 'this-run', version: '1' });
    expect(status.decidedBy).toMatch(/^first-run notice/);
    expect(listTree(env['HOME'] ?? '')).toEqual([]);

    await expectOkRunSendsNothing(env, collector);
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

  it('a new consent.version shows it again and that run sends nothing; the run after sends', async () => {
    const collector = await receiver();
    const v1 = appEnv(collector);
    await expectOkRunSendsNothing(v1, collector);
    await expectOkRunSends(v1, collector);

    const v2 = { ...v1, FIXTURE_CONSENT_VERSION: '2' };
    const shown = await expectOkRunSendsNothing(v2, collector);
    expect(shown.stderr).toContain('Nothing was sent this time');
    expect(JSON.parse(readFileSync(noticeFileOf(v2), 'utf8'))).toMatchObject({ shownVersion: '2' });
    const next = await expectOkRunSends(v2, collector);
    expect(next.stderr).toBe('');
  });

  it('a yes given for an older consent version does not skip the new notice', async () => {
    const collector = await receiver();
    const env = appEnv(collector);
    expect((await runApp(['set-true'], env)).code).toBe(0);
    const bumped = { ...env, FIXTURE_CONSENT_VERSION: '2' };
    const shown = await expectOkRunSendsNothing(bumped, collector);
    expect(shown.stderr).toContain('Nothing was sent this time');
    await expectOkRunSends(bumped, collector);
  });

  it('saying no on the notice run (the flag, or set(false)) means it was never needed: nothing is shown, sent or recorded', async () => {
    const collector = await receiver();
    const env = appEnv(collector);
    const flagged = await expectOkRunSendsNothing(env, collector, ['--disable-telemetry']);
    expect(flagged.stderr).toBe('');
    expect(listTree(env['HOME'] ?? '')).toEqual([]);

    expect((await runApp(['set-false'], env)).code).toBe(0);
    const later = await expectOkRunSendsNothing(env, collector);
    expect(later.stderr).toBe('');
    expect(existsSync(noticeFileOf(env))).toBe(false);
  });

  it('in a run without commands it comes after the output; a first run that stores an answer gets none', async () => {
    const collector = await receiver();
    const env = appEnv(collector);
    const plain = await runApp(['run-only'], env);
    expect(plain.stdout).toBe('app output\n');
    expect(plain.stderr).toContain('Nothing was sent this time');
    expect(existsSync(noticeFileOf(env))).toBe(true);

    for (const answer of ['run-set-true', 'run-set-false']) {
      const fresh = appEnv(collector);
      const result = await runApp([answer], fresh);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toBe('');
      expect(existsSync(noticeFileOf(fresh))).toBe(false);
    }
    expect(collector.requests).toHaveLength(0);
  });

  it('is not shown in opt-in mode without an answer, nor in CI', async () => {
    const collector = await receiver();
    for (const extra of [{ FIXTURE_CONSENT: 'opt-in' }, { CI: 'true' }, { CI: 'true', FIXTURE_CI: 'on' }]) {
      const env = appEnv(collector, extra);
      const result = await runApp(['ok'], env);
      expect(result.stderr).toBe('');
      expect(existsSync(noticeFileOf(env))).toBe(false);
    }
  });
});
