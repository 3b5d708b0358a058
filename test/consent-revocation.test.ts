/**
 * Saying no takes effect at once and forgets: in real child processes
 * against a loopback collector, a `set(false)` in the middle of a command
 * stops everything not yet sent (records already queued included), and
 * deletes the hash key, the install id and pending records, so nothing sent
 * before can be linked to anything sent later.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { consentedEnv, startNode } from './support/child.js';
import { APP, configDirOf, receiversForEachTest, runApp } from './support/fixture-app.js';
import { netWatch } from './support/net-watch.js';
import { completedRecords, startedRecords } from './support/records.js';

const receiver = receiversForEachTest();

describe('set(false) in the middle of a run', () => {
  it('what was sent before stays; nothing after leaves: not the step that ended, not the completed records, nothing kept for later', async () => {
    const collector = await receiver();
    const env = consentedEnv({ FIXTURE_ENDPOINT: collector.url });
    const app = startNode([APP, 'revoke-mid'], { env });
    await app.waitForStdout('ready');
    // Both started records arrived: the run had consent, and nothing else is in flight.
    await collector.waitFor((spans) => startedRecords(spans, 'fixture').length === 1 && startedRecords(spans, 'deploy').length === 1);
    const requestsBefore = collector.requests.length;

    app.child.kill('SIGUSR2');
    const result = await app.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('app output');
    const answer = JSON.parse(result.stdout.split('\n')[1] ?? '') as { ok: boolean; deleted: string[] };
    const dir = configDirOf(env);
    expect(answer.ok).toBe(true);
    expect(answer.deleted).toEqual(expect.arrayContaining([join(dir, 'telemetry-key'), join(dir, 'telemetry-id')]));

    expect(collector.requests).toHaveLength(requestsBefore);
    expect(completedRecords(collector.spans)).toEqual([]);
    expect(collector.spans.map((s) => s.name).sort()).toEqual(['deploy', 'fixture']);
    // Nothing was kept to be sent by a later run, and nothing identifying remains.
    for (const file of ['telemetry-pending', 'telemetry-key', 'telemetry-id']) expect(existsSync(join(dir, file)), file).toBe(false);
  });
});

describe('saying no forgets what was kept', () => {
  it('consent.set(false) deletes the hash key, the install id and the pending records, and later runs do not recreate them', async () => {
    const collector = await receiver();
    const env = consentedEnv({ FIXTURE_ENDPOINT: collector.url });
    expect((await runApp(['ok'], env)).code).toBe(0);
    await collector.waitFor((spans) => completedRecords(spans, 'fixture').length === 1);
    const dir = configDirOf(env);
    const hashKey = join(dir, 'telemetry-key');
    const installId = join(dir, 'telemetry-id');
    const pending = join(dir, 'telemetry-pending');
    expect(existsSync(hashKey)).toBe(true);
    expect(existsSync(installId)).toBe(true);
    // A record a previous run could not send.
    mkdirSync(pending, { recursive: true });
    writeFileSync(join(pending, `${Date.now()}-0000abcd.otlp.json`), '{"resourceSpans":[]}');

    const set = await runApp(['set-false'], env);
    expect(set.code, set.stderr).toBe(0);
    const answer = JSON.parse(set.stdout) as { ok: boolean; deleted: string[] };
    expect(answer.ok).toBe(true);
    expect(answer.deleted.sort()).toEqual([hashKey, installId, pending].sort());
    for (const path of [hashKey, installId, pending]) expect(existsSync(path), path).toBe(false);

    const before = collector.requests.length;
    const watch = netWatch();
    const result = await startNode([...watch.nodeArgs, APP, 'ok'], { env: { ...env, ...watch.env } }).done;
    expect(result.stdout).toBe('app output\n');
    expect(result.code).toBe(0);
    expect(watch.attempts()).toEqual([]);
    expect(collector.requests.length).toBe(before);
    for (const path of [hashKey, installId, pending]) expect(existsSync(path), path).toBe(false);
  });

  it('after a later yes, the new install id and digests are unrelated to the old ones', async () => {
    const collector = await receiver();
    const env = consentedEnv({ FIXTURE_ENDPOINT: collector.url });
    const idFile = join(configDirOf(env), 'telemetry-id');
    expect((await runApp(['ok'], env)).code).toBe(0);
    await collector.waitFor((spans) => completedRecords(spans, 'build').length === 1);
    const firstId = readFileSync(idFile, 'utf8').trim();

    expect((await runApp(['set-false'], env)).code).toBe(0);
    expect((await runApp(['set-true'], env)).code).toBe(0);
    expect((await runApp(['ok'], env)).code).toBe(0);
    const spans = await collector.waitFor((s) => completedRecords(s, 'build').length === 2);
    const [before, after] = completedRecords(spans, 'build');
    expect(before?.resource['optel.install.id']).toBe(firstId);
    expect(after?.resource['optel.install.id']).toBe(readFileSync(idFile, 'utf8').trim());
    expect(after?.resource['optel.install.id']).not.toBe(firstId);
    // project.name was 'acme' both times: without the old key the digests can't be matched.
    expect(after?.attributes['project.name']).not.toBe(before?.attributes['project.name']);
  });

  it('after no and yes in the same process, the next command goes out under a new install id and key, not the deleted ones', async () => {
    const collector = await receiver();
    const env = consentedEnv({ FIXTURE_ENDPOINT: collector.url });
    const result = await runApp(['revoke-reconsent'], env);
    expect(result.code, result.stderr).toBe(0);
    const spans = await collector.waitFor((s) => startedRecords(s, 'build').length === 2 && completedRecords(s, 'build').length >= 1);
    const [before, later] = startedRecords(spans, 'build');
    expect(before?.traceId).not.toBe(later?.traceId);
    // (The first command's completed record may have left with its started record, or been dropped by the "no".)
    const after = completedRecords(spans, 'build').find((span) => span.traceId === later?.traceId);
    const idFile = join(configDirOf(env), 'telemetry-id');
    expect(after?.resource['optel.install.id']).toBe(readFileSync(idFile, 'utf8').trim());
    expect(after?.resource['optel.install.id']).not.toBe(before?.resource['optel.install.id']);
    expect(after?.attributes['project.name']).toMatch(/^[0-9a-f]{16}$/);
    expect(after?.attributes['project.name']).not.toBe(before?.attributes['project.name']);
  });
});
