/**
 * The consent store under concurrency, in real child processes sharing one
 * config dir: writes are atomic (a reader sees one whole answer, never a
 * mix or a half-written file), temp files never stay behind, processes
 * starting together agree on one install id, and files holding secrets are
 * private to the user.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChildResult } from './support/child.js';
import { cleanEnv, consentedEnv } from './support/child.js';
import { configDirOf, consentFileOf, expectOkRunSendsNothing, receiversForEachTest, runApp } from './support/fixture-app.js';
import { completedRecords } from './support/records.js';

const receiver = receiversForEachTest();

function expectNoTempFiles(dir: string): void {
  expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
}

describe('concurrent processes', () => {
  it('20 processes answering yes and no at once leave one complete answer, and no temp file', async () => {
    const env = cleanEnv();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => runApp([i % 2 === 0 ? 'set-true' : 'set-false'], env)));
    for (const result of results) {
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ ok: true });
    }
    const stored = JSON.parse(readFileSync(consentFileOf(env), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(stored).sort()).toEqual(['decidedAt', 'enabled', 'version']);
    expect([true, false]).toContain(stored['enabled']);
    expectNoTempFiles(configDirOf(env));
    const status = JSON.parse((await runApp(['status'], env)).stdout) as { enabled: boolean; decidedBy: string };
    expect(status.decidedBy).toContain(consentFileOf(env));
  });

  it('a "no" given while other first runs record the notice is never lost', async () => {
    const collector = await receiver();
    const env = cleanEnv({ FIXTURE_ENDPOINT: collector.url });
    const runs: Promise<ChildResult>[] = [];
    for (let i = 0; i < 12; i++) runs.push(runApp([i % 3 === 0 ? 'set-false' : 'ok'], env));
    for (const result of await Promise.all(runs)) expect(result.code, result.stderr).toBe(0);
    expectNoTempFiles(configDirOf(env));
    await expectOkRunSendsNothing(env, collector);
  });

  it('processes starting together on a new install agree on one install id and one hash key', async () => {
    const collector = await receiver();
    const env = consentedEnv({ FIXTURE_ENDPOINT: collector.url });
    const results = await Promise.all(Array.from({ length: 8 }, () => runApp(['ok'], env)));
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    const spans = await collector.waitFor((s) => completedRecords(s, 'build').length === 8);
    const dir = configDirOf(env);
    const id = readFileSync(join(dir, 'telemetry-id'), 'utf8').trim();
    const builds = completedRecords(spans, 'build');
    expect(new Set(builds.map((s) => s.resource['optel.install.id']))).toEqual(new Set([id]));
    // The same key everywhere: project.name ('acme' in every run) has one digest.
    expect(new Set(builds.map((s) => s.attributes['project.name'])).size).toBe(1);
    expectNoTempFiles(dir);
  });
});

describe('file modes', () => {
  it('the hash key and the install id are readable by the user only (0600), in a 0700 directory', async () => {
    const collector = await receiver();
    const env = consentedEnv({ FIXTURE_ENDPOINT: collector.url });
    expect((await runApp(['ok'], env)).code).toBe(0);
    const dir = configDirOf(env);
    for (const file of ['telemetry-key', 'telemetry-id']) expect(statSync(join(dir, file)).mode & 0o777, file).toBe(0o600);
    const created = cleanEnv();
    expect((await runApp(['set-true'], created)).code).toBe(0);
    expect(statSync(configDirOf(created)).mode & 0o777).toBe(0o700);
  });
});
