/**
 * Identifiers, in real child processes: the random install id (created on
 * the first run with consent, never before), the id a user volunteers (sent
 * only when set), and the project id (a keyed hash of the git remote or the
 * project file's id, read from files: no `git` process, ever).
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Receiver, ReceivedSpan } from './support/collector.js';
import { cleanEnv, consentedEnv, tempDir } from './support/child.js';
import { configDirOf, expectOkRunSends, expectOkRunSendsNothing, listTree, receiversForEachTest, runApp, statusOf } from './support/fixture-app.js';
import { completedRecords } from './support/records.js';

const receiver = receiversForEachTest();

function consentedAppEnv(collector: Receiver, extra: Record<string, string | undefined> = {}): Record<string, string> {
  return consentedEnv({ FIXTURE_ENDPOINT: collector.url, ...extra });
}

/** The resource of the newest completed top-level record. */
function lastResource(collector: Receiver): ReceivedSpan['resource'] {
  const records = completedRecords(collector.spans, 'fixture');
  const last = records[records.length - 1];
  if (!last) throw new Error('no completed record arrived');
  return last.resource;
}

/** A repository whose git config names `remote` as origin. */
function repositoryWithRemote(remote: string | undefined): string {
  const root = join(tempDir('optel-git-'), 'tool');
  mkdirSync(join(root, '.git'), { recursive: true });
  const remoteSection = remote === undefined ? '' : `[remote "origin"]\n\turl = ${remote}\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n`;
  writeFileSync(join(root, '.git', 'config'), `[core]\n\trepositoryformatversion = 0\n${remoteSection}[branch "main"]\n\tremote = origin\n`);
  return root;
}

describe('the install id', () => {
  it('is created on the first run with consent (mode 0600), sent as optel.install.id, the same on every run, and differs per install', async () => {
    const collector = await receiver();
    const env = consentedAppEnv(collector);
    const idFile = join(configDirOf(env), 'telemetry-id');
    expect(existsSync(idFile)).toBe(false);
    await expectOkRunSends(env, collector);
    const id = readFileSync(idFile, 'utf8').trim();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(statSync(idFile).mode & 0o777).toBe(0o600);
    expect(lastResource(collector)['optel.install.id']).toBe(id);

    await expectOkRunSends(env, collector);
    expect(lastResource(collector)['optel.install.id']).toBe(id);

    await expectOkRunSends(consentedAppEnv(collector), collector);
    expect(lastResource(collector)['optel.install.id']).not.toBe(id);
  });

  it('is not created, nor any other file, on the first-run notice run or in opt-in mode without an answer', async () => {
    const collector = await receiver();
    for (const env of [cleanEnv({ FIXTURE_ENDPOINT: collector.url }), cleanEnv({ FIXTURE_ENDPOINT: collector.url, FIXTURE_CONSENT: 'opt-in' })]) {
      await expectOkRunSendsNothing(env, collector);
      expect(listTree(configDirOf(env)).filter((f) => f !== 'telemetry-notice.json')).toEqual([]);
    }
  });

  it('identity: { installId: false, projectId: false } sends no id and creates no id file', async () => {
    const collector = await receiver();
    const env = consentedAppEnv(collector, { FIXTURE_NO_IDS: '1' });
    await expectOkRunSends(env, collector, repositoryWithRemote('git@github.com:acme/tool.git'));
    expect(lastResource(collector)).not.toHaveProperty('optel.install.id');
    expect(lastResource(collector)).not.toHaveProperty('optel.project.id');
    expect(existsSync(join(configDirOf(env), 'telemetry-id'))).toBe(false);
  });

  it('if it cannot be stored (the config dir cannot be created), an id for this run only is sent, and the run is unaffected', async () => {
    const collector = await receiver();
    // The app's own yes, and a regular file where the config dir should be: nothing can be written, even by root.
    const env = cleanEnv({ FIXTURE_ENDPOINT: collector.url, FIXTURE_CODE_ENABLED: 'true' });
    writeFileSync(env['XDG_CONFIG_HOME'] ?? '', 'not a directory');
    await expectOkRunSends(env, collector);
    const first = lastResource(collector)['optel.install.id'];
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    await expectOkRunSends(env, collector);
    expect(lastResource(collector)['optel.install.id']).not.toBe(first);
  });
});

describe('the id a user volunteers', () => {
  it('FIXTURE_TELEMETRY_USER_ID is sent as optel.user.id and shown by status', async () => {
    const collector = await receiver();
    const env = consentedAppEnv(collector, { FIXTURE_TELEMETRY_USER_ID: 'ada-at-acme' });
    await expectOkRunSends(env, collector);
    expect(lastResource(collector)['optel.user.id']).toBe('ada-at-acme');
    expect((await statusOf(env)).userId).toBe('ada-at-acme');
  });

  it("the app's identity.userId option works too, and the user's env var wins over it", async () => {
    const collector = await receiver();
    await expectOkRunSends(consentedAppEnv(collector, { FIXTURE_USER_ID_OPTION: 'from-settings' }), collector);
    expect(lastResource(collector)['optel.user.id']).toBe('from-settings');
    await expectOkRunSends(consentedAppEnv(collector, { FIXTURE_USER_ID_OPTION: 'from-settings', FIXTURE_TELEMETRY_USER_ID: 'from-env' }), collector);
    expect(lastResource(collector)['optel.user.id']).toBe('from-env');
  });

  it('is not sent, and not in status, when nobody set one', async () => {
    const collector = await receiver();
    const env = consentedAppEnv(collector, { FIXTURE_TELEMETRY_USER_ID: '   ' });
    await expectOkRunSends(env, collector);
    expect(lastResource(collector)).not.toHaveProperty('optel.user.id');
    expect(await statusOf(env)).not.toHaveProperty('userId');
  });
});

describe('the project id', () => {
  it('is a keyed hash of the git remote: the remote itself never leaves, ssh and https spellings agree', async () => {
    const collector = await receiver();
    const env = consentedAppEnv(collector);
    await expectOkRunSends(env, collector, repositoryWithRemote('git@github.com:Acme/tool.git'));
    const id = lastResource(collector)['optel.project.id'];
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    const raw = Buffer.concat(collector.requests.map((r) => r.body)).toString('utf8');
    expect(raw).not.toMatch(/github\.com|Acme\/tool/);

    await expectOkRunSends(env, collector, repositoryWithRemote('https://user:token@GitHub.com/Acme/tool'));
    expect(lastResource(collector)['optel.project.id']).toBe(id);
    await expectOkRunSends(env, collector, repositoryWithRemote('git@github.com:acme/other.git'));
    expect(lastResource(collector)['optel.project.id']).not.toBe(id);
  });

  it('differs across installs for the same repository', async () => {
    const collector = await receiver();
    const repo = repositoryWithRemote('git@github.com:acme/tool.git');
    await expectOkRunSends(consentedAppEnv(collector), collector, repo);
    const first = lastResource(collector)['optel.project.id'];
    await expectOkRunSends(consentedAppEnv(collector), collector, repo);
    expect(lastResource(collector)['optel.project.id']).not.toBe(first);
  });

  it("prefers the project file's projectId, and is absent when there is neither a remote nor a project id", async () => {
    const collector = await receiver();
    const env = consentedAppEnv(collector);
    const repo = repositoryWithRemote(undefined);
    await expectOkRunSends(env, collector, repo);
    expect(lastResource(collector)).not.toHaveProperty('optel.project.id');

    writeFileSync(join(repo, '.fixture-telemetry.json'), '{ "projectId": "6f1c0c6e-0d7e-4d55-9d8e-1f0b1a2b3c4d" }\n');
    await expectOkRunSends(env, collector, repo);
    expect(lastResource(collector)['optel.project.id']).toMatch(/^[0-9a-f]{32}$/);
    const raw = Buffer.concat(collector.requests.map((r) => r.body)).toString('utf8');
    expect(raw).not.toContain('6f1c0c6e');
  });

  it('no git process is started, with telemetry on or off', async () => {
    const collector = await receiver();
    const bin = tempDir('optel-fake-git-');
    const marker = join(bin, 'git-was-run');
    writeFileSync(join(bin, 'git'), `#!/bin/sh\necho "$@" >> '${marker}'\nexit 1\n`, { mode: 0o755 });
    const repo = repositoryWithRemote('git@github.com:acme/tool.git');
    const path = `${bin}:${process.env['PATH'] ?? ''}`;
    const on = consentedAppEnv(collector, { PATH: path });
    await expectOkRunSends(on, collector, repo);
    expect(lastResource(collector)['optel.project.id']).toMatch(/^[0-9a-f]{32}$/);
    await expectOkRunSendsNothing(consentedAppEnv(collector, { PATH: path, DO_NOT_TRACK: '1' }), collector, [], repo);
    expect((await runApp(['status'], on, repo)).code).toBe(0);
    expect(existsSync(marker)).toBe(false);
  });
});
