/**
 * The project-scope consent file, `.fixture-telemetry.json`, in real child
 * processes run inside throwaway repositories: found by walking up from the
 * working directory to the repository root, committed once and honoured for
 * everyone who works there; any "no" in it wins.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Receiver } from '../src/receiver/server.js';
import { consentedEnv, tempDir } from './support/child.js';
import { HAS_TERMINAL, NO_TERMINAL } from './support/terminal.js';
import {
  appEnv,
  expectOkRunSends,
  expectOkRunSendsNothing,
  listTree,
  receiversForEachTest,
  runApp,
  statusOf,
} from './support/fixture-app.js';

const receiver = receiversForEachTest();
const FILE = '.fixture-telemetry.json';

/** A repository (a `.git` dir) with a nested working directory; returns both. */
function repository(parent = tempDir('optel-repo-')): { readonly root: string; readonly cwd: string } {
  const root = join(parent, 'repo');
  mkdirSync(join(root, '.git'), { recursive: true });
  const cwd = join(root, 'packages', 'app', 'src');
  mkdirSync(cwd, { recursive: true });
  return { root, cwd };
}

function consentedAppEnv(collector: Receiver, extra: Record<string, string | undefined> = {}): Record<string, string> {
  return consentedEnv({ FIXTURE_ENDPOINT: collector.url, ...extra });
}

describe('a project file saying no', () => {
  it('found from a subdirectory, turns telemetry off for a user who said yes: no connection, no new file, status names it', async () => {
    const collector = await receiver();
    const { root, cwd } = repository();
    writeFileSync(join(root, FILE), '{ "enabled": false }\n');
    const env = consentedAppEnv(collector);
    const before = listTree(env['HOME'] ?? '');
    const result = await expectOkRunSendsNothing(env, collector, [], cwd);
    expect(result.stderr).toBe('');
    expect(listTree(env['HOME'] ?? '')).toEqual(before);
    const status = await statusOf(env, [], cwd);
    expect(status.enabled).toBe(false);
    expect(status.decidedBy).toBe(`project file ${join(root, FILE)}`);
  });

  it('on a fresh install: no connection, no notice, no file at all', async () => {
    const collector = await receiver();
    const { root, cwd } = repository();
    writeFileSync(join(root, FILE), '{ "enabled": false }\n');
    const env = appEnv(collector);
    const result = await expectOkRunSendsNothing(env, collector, [], cwd);
    expect(result.stderr).toBe('');
    expect(listTree(env['HOME'] ?? '')).toEqual([]);
  });

  it('in a package is not undone by a nested file saying yes, and vice versa', async () => {
    const collector = await receiver();
    const { root, cwd } = repository();
    writeFileSync(join(root, FILE), '{ "enabled": false }\n');
    writeFileSync(join(root, 'packages', 'app', FILE), '{ "enabled": true }\n');
    const env = consentedAppEnv(collector);
    await expectOkRunSendsNothing(env, collector, [], cwd);
    expect((await statusOf(env, [], cwd)).decidedBy).toContain(join(root, FILE));

    const other = repository();
    writeFileSync(join(other.root, FILE), '{ "enabled": true }\n');
    writeFileSync(join(other.root, 'packages', FILE), '{ "enabled": false }\n');
    await expectOkRunSendsNothing(env, collector, [], other.cwd);
  });

  it('that is corrupt counts as no and never crashes the app', async () => {
    const collector = await receiver();
    const { root, cwd } = repository();
    writeFileSync(join(root, FILE), '{ enabled: nope');
    const env = consentedAppEnv(collector);
    const result = await expectOkRunSendsNothing(env, collector, [], cwd);
    expect(result.stderr).toBe('');
    expect((await statusOf(env, [], cwd)).decidedBy).toMatch(/unreadable: not valid JSON; counted as no/);
  });
});

describe('where the walk stops', () => {
  it('above the repository root, a project file is not consulted', async () => {
    const collector = await receiver();
    const outer = tempDir('optel-outer-');
    writeFileSync(join(outer, FILE), '{ "enabled": false }\n');
    const { cwd } = repository(outer);
    const env = consentedAppEnv(collector);
    await expectOkRunSends(env, collector, cwd);
    const sources = (await statusOf(env, [], cwd)).sources.map((s) => s.source).join('\n');
    expect(sources).not.toContain(join(outer, FILE));
  });

  it('outside a repository only the working directory is consulted: no parent folder (a shared /tmp) speaks for it', async () => {
    const collector = await receiver();
    const env = consentedAppEnv(collector);
    const home = env['HOME'] ?? '';
    const work = join(home, 'work', 'tool');
    mkdirSync(work, { recursive: true });
    writeFileSync(join(home, FILE), '{ "enabled": false }\n');
    writeFileSync(join(home, 'work', FILE), '{ "enabled": false }\n');
    await expectOkRunSends(env, collector, work);

    writeFileSync(join(work, FILE), '{ "enabled": false }\n');
    await expectOkRunSendsNothing(env, collector, [], work);
  });
});

describe('set(..., { scope: "project" })', () => {
  it('set(false) writes the file at the repository root, where it turns telemetry off for every user', async () => {
    const collector = await receiver();
    const { root, cwd } = repository();
    const author = appEnv(collector);
    const set = await runApp(['set-false-project'], author, cwd);
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ ok: true, scope: 'project', path: join(root, FILE) });
    expect(JSON.parse(readFileSync(join(root, FILE), 'utf8'))).toEqual({ enabled: false });
    // The author's own files are untouched: the answer lives in the repository.
    expect(listTree(author['HOME'] ?? '')).toEqual([]);

    const teammate = consentedAppEnv(collector);
    await expectOkRunSendsNothing(teammate, collector, [], cwd);
  });

  it('set(true) writes { enabled: true, projectId }; it is nobody\'s yes: opt-in stays off, opt-out still shows each user the notice', async (context) => {
    if (!HAS_TERMINAL) context.skip(NO_TERMINAL);
    const collector = await receiver();
    const { root, cwd } = repository();
    const env = appEnv(collector, { FIXTURE_CONSENT: 'opt-in' });
    const set = await runApp(['set-true-project'], env, cwd);
    expect(set.code, set.stderr).toBe(0);
    const written = JSON.parse(readFileSync(join(root, FILE), 'utf8')) as { enabled: boolean; projectId: string };
    expect(written.enabled).toBe(true);
    expect(written.projectId).toMatch(/^[0-9a-f-]{36}$/);

    await expectOkRunSendsNothing(env, collector, [], cwd);
    await expectOkRunSendsNothing(env, collector, [], cwd);
    expect((await statusOf(env, [], cwd)).decidedBy).toBe('default (opt-in: off until someone says yes)');

    // Someone else's yes: each user is told once (on a terminal) before anything leaves.
    const optOut = appEnv(collector);
    const first = await expectOkRunSendsNothing(optOut, collector, [], cwd, { terminal: true });
    expect(first.stderr).toContain('Nothing was sent this time');
    await expectOkRunSends(optOut, collector, cwd);
  });

  it('set(false) replaces the file whole: nothing of what was there is carried over', async () => {
    const collector = await receiver();
    const { root, cwd } = repository();
    writeFileSync(join(root, FILE), '{ "$comment": "see CONTRIBUTING.md", "enabled": true, "projectId": "abc" }\n');
    expect((await runApp(['set-false-project'], appEnv(collector), cwd)).code).toBe(0);
    expect(JSON.parse(readFileSync(join(root, FILE), 'utf8'))).toEqual({ enabled: false });
  });

  it('outside a repository writes in the working directory, and status names where', async () => {
    const collector = await receiver();
    const cwd = tempDir('optel-norepo-');
    const env = appEnv(collector);
    expect((await statusOf(env, [], cwd)).files.project).toBe(join(cwd, FILE));
    const set = await runApp(['set-false-project'], env, cwd);
    expect(JSON.parse(set.stdout)).toMatchObject({ ok: true, path: join(cwd, FILE) });
    await expectOkRunSendsNothing(consentedAppEnv(collector), collector, [], cwd);
  });
});
