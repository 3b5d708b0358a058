import { spawnSync } from 'node:child_process';
import { createConnection } from 'node:net';
import type { Socket } from 'node:net';
import { chmodSync, closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { createTelemetry } from '../src/index.js';
import { faultyCollector } from './support/collector.js';
import { cleanEnv, consentedEnv, FIXTURES, ROOT, runNode, startNode, tempDir } from './support/child.js';
import { appEnv, configDirOf, expectOkRunSends, expectOkRunSendsNothing, receiversForEachTest, runApp, statusOf } from './support/fixture-app.js';
import { eventBomb, hostileCorpus, pendingBody, protobufField, protobufSpanWithValue, rawCollector, runNodeWithStdin } from './support/hostile.js';
import { completedRecords, hasStartedAndCompleted, startedRecords } from './support/records.js';
import { HAS_TERMINAL, NO_TERMINAL } from './support/terminal.js';

const APP = join(FIXTURES, 'app.mjs');

describe('faults the host must survive', () => {
  it('100k commands with the collector down: the queue stays capped, drops are counted, memory stays bounded', async () => {
    const down = await faultyCollector('refused');
    try {
      const result = await runNode(['--expose-gc', APP, 'flood'], { env: consentedEnv({ FIXTURE_ENDPOINT: down.url }), timeoutMs: 120_000 });
      expect(result.code).toBe(0);
      const { stats, heapGrowthMb } = JSON.parse(result.stdout) as { stats: { sent: number; dropped: number; pending: number }; heapGrowthMb: number };
      expect(stats.sent).toBe(0);
      expect(stats.pending).toBeLessThanOrEqual(2048);
      // Two records per command (started, completed); what the queue can't hold is counted.
      expect(stats.dropped + stats.pending).toBe(2 * 100_000 + 2);
      expect(heapGrowthMb).toBeLessThan(50);
    } finally {
      await down.close();
    }
  });

  it('a full disk (writes fail with EFBIG) changes neither output nor exit code, and no partial file is left', async () => {
    const env = consentedEnv({ FIXTURE_ENDPOINT: 'http://127.0.0.1:9' });
    const dir = join(env['XDG_CONFIG_HOME'] ?? '', 'fixture');
    // RLIMIT_FSIZE 0 with SIGXFSZ ignored: every write to a regular file fails, like a full disk.
    const script = `trap '' XFSZ; ulimit -f 0; exec "${process.execPath}" "${APP}" "$@"`;
    const { spawnSync } = await import('node:child_process');
    const underFullDisk = (scenario: string) => spawnSync('bash', ['-c', script, 'bash', scenario], { env, encoding: 'utf8', timeout: 30_000 });
    for (const scenario of ['exit-code', 'process-exit', 'ok']) {
      const result = underFullDisk(scenario);
      const expected = await runNode([APP, scenario], { env: consentedEnv({ FIXTURE_ENDPOINT: 'http://127.0.0.1:9' }) });
      expect(result.status, scenario).toBe(expected.code);
      expect(result.stdout, scenario).toBe(expected.stdout);
      expect(result.stderr, scenario).toBe('');
    }
    // Storing a "no" fails, and says so; it still holds for that process.
    const refused = JSON.parse(underFullDisk('set-false').stdout) as { ok: boolean; error?: string };
    expect(refused.ok).toBe(false);
    expect(refused.error).toMatch(/EFBIG|too large/i);
    const leftovers = readdirSync(dir, { recursive: true }).map(String).filter((name) => name.endsWith('.tmp'));
    expect(leftovers).toEqual([]);
    // The stored yes is still there and still parses: a failed write never damaged it.
    expect(JSON.parse(readFileSync(join(dir, 'telemetry.json'), 'utf8'))).toMatchObject({ enabled: true });
  });

  it('SIGKILL at random points while consent is toggled never leaves a corrupt consent file', async () => {
    const env = cleanEnv();
    const file = join(env['XDG_CONFIG_HOME'] ?? '', 'fixture', 'telemetry.json');
    for (let round = 0; round < 8; round++) {
      const app = startNode([APP, 'toggle'], { env });
      await app.waitForStdout('ready');
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.floor(Math.random() * 60)));
      app.child.kill('SIGKILL');
      await app.done;
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as { enabled: unknown };
      expect(typeof parsed.enabled).toBe('boolean');
    }
    const status = await runNode([APP, 'status'], { env });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toHaveProperty('enabled');
  });
});

describe('a processor downstream that throws or rejects', () => {
  function throwing(kind: 'sync' | 'reject'): SpanProcessor & { seen: number } {
    const processor = {
      seen: 0,
      onStart() {},
      onEnd(_span: ReadableSpan) {
        processor.seen++;
        if (kind === 'sync') throw new Error('exporter exploded');
      },
      forceFlush: () => (kind === 'reject' ? Promise.reject(new Error('flush rejected')) : Promise.resolve()),
      shutdown: () => (kind === 'reject' ? Promise.reject(new Error('shutdown rejected')) : Promise.resolve()),
    };
    return processor;
  }

  for (const kind of ['sync', 'reject'] as const) {
    it(`never reaches app code when the next processor ${kind === 'sync' ? 'throws synchronously' : 'rejects'}`, async () => {
      const telemetry = createTelemetry({
        app: { name: 'embedded' },
        endpoint: 'https://telemetry.invalid',
        attributes: { 'cli.command': 'clear' },
        configDir: tempDir(),
        env: {},
        consent: { enabled: true },
      });
      const next = throwing(kind);
      const processor = telemetry.spanProcessor(next);
      const provider = new BasicTracerProvider({ spanProcessors: [processor] });
      const tracer = provider.getTracer('app');
      for (let i = 0; i < 3; i++) tracer.startSpan('work', { attributes: { 'cli.command': 'x' } }).end();
      await expect(processor.forceFlush()).resolves.toBeUndefined();
      await expect(processor.shutdown()).resolves.toBeUndefined();
      expect(next.seen).toBe(3);
    });
  }
});

const FILE = '.fixture-telemetry.json';
const receiver = receiversForEachTest();

/** A throwaway repository (a `.git` dir) and its root. */
function repository(): string {
  const root = join(tempDir('optel-repo-'), 'r');
  mkdirSync(join(root, '.git'), { recursive: true });
  return root;
}

function mkfifo(path: string): void {
  const made = spawnSync('mkfifo', [path]);
  if (made.status !== 0) throw new Error(`mkfifo ${path} failed: ${made.stderr.toString()}`);
}

/** A file of `megabytes` MB that is valid JSON saying `json`, then blanks: read whole, it would parse. */
function hugeJsonFile(path: string, json: string, megabytes: number): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, json);
    const blanks = Buffer.alloc(1024 * 1024, 0x20);
    for (let i = 0; i < megabytes; i++) writeSync(fd, blanks);
  } finally {
    closeSync(fd);
  }
}

describe('finding 1: a planted project or user file never blocks, bloats or steals from the app', () => {
  it('a project file linked to /dev/stdin leaves the app all of its stdin, and counts as no', async () => {
    const collector = await receiver();
    const root = repository();
    symlinkSync('/dev/stdin', join(root, FILE));
    const env = consentedEnv({ FIXTURE_ENDPOINT: collector.url });
    const result = await runNodeWithStdin([APP, 'stdin'], 'data', { env, cwd: root });
    expect(result.stdout).toBe('read 4 bytes\n');
    expect(result.code).toBe(0);
    const status = await statusOf(env, [], root);
    expect(status.enabled).toBe(false);
    expect(status.decidedBy).toContain('a symbolic link; counted as no');
    expect(collector.requests).toHaveLength(0);
  });

  it('a project file that is a FIFO nobody writes to does not hang the app (a stdin left open reads the same way)', async () => {
    const collector = await receiver();
    const root = repository();
    mkfifo(join(root, FILE));
    const env = consentedEnv({ FIXTURE_ENDPOINT: collector.url });
    const result = await runApp(['ok'], env, root);
    expect(result.signal).toBeNull();
    expect(result.stdout).toBe('app output\n');
    expect(result.code).toBe(0);
    expect((await statusOf(env, [], root)).decidedBy).toContain('not a regular file (a FIFO); counted as no');
  });

  it('a project file linked to /dev/zero is not read: the app ends at once with its own output', async () => {
    const collector = await receiver();
    const root = repository();
    symlinkSync('/dev/zero', join(root, FILE));
    const env = consentedEnv({ FIXTURE_ENDPOINT: collector.url });
    const result = await runNode([APP, 'ok'], { env, cwd: root, timeoutMs: 20_000 });
    expect(result.signal).toBeNull();
    expect(result.stdout).toBe('app output\n');
    expect(result.code).toBe(0);
  });

  it('a 100 MB user file saying yes is not read, and counts as no (fail closed), said in status', async () => {
    const collector = await receiver();
    const env = cleanEnv({ FIXTURE_ENDPOINT: collector.url });
    const dir = configDirOf(env);
    mkdirSync(dir, { recursive: true });
    hugeJsonFile(join(dir, 'telemetry.json'), '{"enabled":true,"version":"1"}', 100);
    await expectOkRunSendsNothing(env, collector);
    const status = await statusOf(env);
    expect(status.enabled).toBe(false);
    expect(status.decidedBy).toContain('larger than 65536 bytes; counted as no');
  });

  it('a user file that is a directory or a FIFO counts as no; a FIFO notice record never hangs the app', async () => {
    const collector = await receiver();
    const env = cleanEnv({ FIXTURE_ENDPOINT: collector.url });
    const dir = configDirOf(env);
    mkdirSync(join(dir, 'telemetry.json'), { recursive: true });
    expect((await statusOf(env)).decidedBy).toContain('a directory');
    rmSync(join(dir, 'telemetry.json'), { recursive: true });
    mkfifo(join(dir, 'telemetry.json'));
    mkfifo(join(dir, 'telemetry-notice.json'));
    await expectOkRunSendsNothing(env, collector);
    expect((await statusOf(env)).decidedBy).toContain('a FIFO');
  });
});

describe('finding 2: `telemetry enable|disable --project` never copies what a planted file points to', () => {
  it('a project file linked to a credentials file is replaced by a file of its own; the target is untouched', async () => {
    const collector = await receiver();
    const root = repository();
    const secrets = join(tempDir('optel-docker-'), 'config.json');
    const credentials = '{"auths":{"registry.example.com":{"auth":"amFuZTpodW50ZXIy"}}}\n';
    writeFileSync(secrets, credentials);
    symlinkSync(secrets, join(root, FILE));
    for (const scenario of ['set-false-project', 'set-true-project']) {
      const set = await runApp([scenario], appEnv(collector), root);
      expect(JSON.parse(set.stdout), scenario).toMatchObject({ ok: true });
      expect(lstatSync(join(root, FILE)).isSymbolicLink(), scenario).toBe(false);
      const written = readFileSync(join(root, FILE), 'utf8');
      expect(written, scenario).not.toContain('auths');
      expect(Object.keys(JSON.parse(written) as object).sort(), scenario).toEqual(scenario === 'set-true-project' ? ['enabled', 'projectId'] : ['enabled']);
      expect(readFileSync(secrets, 'utf8')).toBe(credentials);
      if (scenario === 'set-false-project') symlinkSync(secrets, join(root, `${FILE}.next`));
      if (scenario === 'set-false-project') renameSync(join(root, `${FILE}.next`), join(root, FILE));
    }
  });
});

describe('finding 4: a repository or a shared folder can say no, never yes, for the user', () => {
  it('opt-in: a committed yes turns nothing on, run after run', async () => {
    const collector = await receiver();
    const root = repository();
    writeFileSync(join(root, FILE), '{ "enabled": true }\n');
    const env = appEnv(collector, { FIXTURE_CONSENT: 'opt-in' });
    await expectOkRunSendsNothing(env, collector, [], root);
    await expectOkRunSendsNothing(env, collector, [], root);
    expect((await statusOf(env, [], root)).enabled).toBe(false);
  });

  it('opt-in: outside a repository, a yes in a parent folder (a /tmp anyone writes to) is not even looked at', async () => {
    const collector = await receiver();
    const shared = tempDir('optel-shared-');
    writeFileSync(join(shared, FILE), '{ "enabled": true }\n');
    const work = join(shared, 'x');
    mkdirSync(work);
    const env = appEnv(collector, { FIXTURE_CONSENT: 'opt-in' });
    await expectOkRunSendsNothing(env, collector, [], work);
    await expectOkRunSendsNothing(env, collector, [], work);
    const status = await statusOf(env, [], work);
    expect(status.sources.map((s) => s.source).join('\n')).not.toContain(join(shared, FILE));
  });

  it('opt-in with CI allowed: a committed yes does not send on the first run', async () => {
    const collector = await receiver();
    const root = repository();
    writeFileSync(join(root, FILE), '{ "enabled": true }\n');
    const env = appEnv(collector, { FIXTURE_CONSENT: 'opt-in', FIXTURE_CI: 'on', CI: 'true' });
    await expectOkRunSendsNothing(env, collector, [], root);
  });

  it('opt-out: a committed yes does not skip the first-run notice; a committed no still wins', async (context) => {
    if (!HAS_TERMINAL) context.skip(NO_TERMINAL);
    const collector = await receiver();
    const root = repository();
    writeFileSync(join(root, FILE), '{ "enabled": true }\n');
    const env = appEnv(collector);
    const first = await expectOkRunSendsNothing(env, collector, [], root, { terminal: true });
    expect(first.stderr).toContain('Nothing was sent this time');
    await expectOkRunSends(env, collector, root);
    writeFileSync(join(root, FILE), '{ "enabled": false }\n');
    await expectOkRunSendsNothing(env, collector, [], root);
  });
});

describe('finding 11: key files', () => {
  it('an existing key file with mode 0644 is tightened to 0600 and still used', async () => {
    const collector = await receiver();
    const env = consentedEnv({ FIXTURE_ENDPOINT: collector.url });
    const key = join(configDirOf(env), 'telemetry-key');
    writeFileSync(key, `${'ab'.repeat(32)}\n`, { mode: 0o644 });
    chmodSync(key, 0o644);
    await expectOkRunSends(env, collector);
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(readFileSync(key, 'utf8')).toBe(`${'ab'.repeat(32)}\n`);
  });

  it('a 100 MB key file is not read (a valid key padded with blanks would be used as it is): it is replaced by a fresh 0600 key', async () => {
    const collector = await receiver();
    const env = consentedEnv({ FIXTURE_ENDPOINT: collector.url });
    const key = join(configDirOf(env), 'telemetry-key');
    hugeJsonFile(key, `${'ab'.repeat(32)}\n`, 100);
    await expectOkRunSends(env, collector);
    const fresh = readFileSync(key, 'utf8');
    expect(fresh).toMatch(/^[0-9a-f]{64}\n$/);
    expect(fresh).not.toBe(`${'ab'.repeat(32)}\n`);
    expect(statSync(key).mode & 0o777).toBe(0o600);
  });
});

describe('held: symbolic links in the user directory are replaced, never followed', () => {
  it('linked consent, notice, key and id files: each is replaced by a file of its own, and what they point to is untouched', async (context) => {
    if (!HAS_TERMINAL) context.skip(NO_TERMINAL);
    const collector = await receiver();
    const env = cleanEnv({ FIXTURE_ENDPOINT: collector.url });
    const dir = configDirOf(env);
    mkdirSync(dir, { recursive: true });
    const elsewhere = tempDir('optel-elsewhere-');
    const names = ['telemetry.json', 'telemetry-notice.json', 'telemetry-key', 'telemetry-id'];
    const targets = new Map<string, string>();
    for (const name of names) {
      const target = join(elsewhere, name);
      const content = name === 'telemetry-key' ? `${'cd'.repeat(32)}\n` : name === 'telemetry-id' ? '11111111-2222-4333-8444-555555555555\n' : '{"enabled":true,"version":"1","shownVersion":"1"}\n';
      writeFileSync(target, content);
      targets.set(target, content);
      symlinkSync(target, join(dir, name));
    }
    // A linked user file is not read: a no for this run (and the linked notice record is not trusted either).
    expect((await statusOf(env)).enabled).toBe(false);
    const set = await runApp(['set-true'], env);
    expect(JSON.parse(set.stdout)).toMatchObject({ ok: true });
    await expectOkRunSends(env, collector);
    for (const name of names.filter((n) => n !== 'telemetry-notice.json')) {
      expect(lstatSync(join(dir, name)).isSymbolicLink(), name).toBe(false);
    }
    const sent = completedRecords(collector.spans, 'build')[0];
    expect(sent?.resource['optel.install.id']).not.toBe('11111111-2222-4333-8444-555555555555');
    // The notice record: a run that shows the notice replaces it.
    const fresh = cleanEnv({ FIXTURE_ENDPOINT: collector.url });
    mkdirSync(configDirOf(fresh), { recursive: true });
    symlinkSync(join(elsewhere, 'telemetry-notice.json'), join(configDirOf(fresh), 'telemetry-notice.json'));
    const noticeRun = await expectOkRunSendsNothing(fresh, collector, [], undefined, { terminal: true });
    expect(noticeRun.stderr).toContain('Nothing was sent this time');
    expect(lstatSync(join(configDirOf(fresh), 'telemetry-notice.json')).isSymbolicLink()).toBe(false);
    for (const [target, content] of targets) expect(readFileSync(target, 'utf8')).toBe(content);
  });
});

describe('finding 5: the spool is untrusted input', () => {
  const pendingDirOf = (env: Record<string, string>): string => join(configDirOf(env), 'telemetry-pending');

  it('a planted pending record is scrubbed by the current catalogue before it leaves: undeclared keys, host.name, secrets and plain text under a hash key', async () => {
    const collector = await receiver();
    const env = consentedEnv({ FIXTURE_ENDPOINT: collector.url });
    const corpus = hostileCorpus();
    const email = corpus['email'];
    const token = corpus['github'];
    if (email === undefined || token === undefined) throw new Error('corpus changed');
    mkdirSync(pendingDirOf(env), { recursive: true });
    const body = pendingBody({
      name: 'planted',
      attributes: { 'optel.lifecycle': 'completed', 'cli.command': `deploy ${email.value} ${token.value}`, 'not.declared': 'drop me', 'project.name': 'plain-project-name' },
      resource: { 'service.name': 'fixture', 'host.name': 'secret-host.corp.example.com', 'optel.install.id': 'jane@corp.example.com' },
    });
    writeFileSync(join(pendingDirOf(env), `${Date.now()}-planted.otlp.json`), body, { mode: 0o600 });
    await runApp(['replay'], env);
    const spans = await collector.waitFor((s) => s.some((span) => span.name === 'planted') && completedRecords(s, 'replay').length > 0);
    const planted = spans.find((span) => span.name === 'planted');
    const raw = collector.requests.map((request) => request.body.toString()).join('\n');
    expect(planted?.attributes['not.declared']).toBeUndefined();
    expect(planted?.attributes['cli.command']).toContain(email.marker);
    expect(planted?.attributes['cli.command']).toContain(token.marker);
    expect(planted?.attributes['project.name']).toMatch(/^[0-9a-f]{16}$/);
    expect(planted?.resource['host.name']).toBeUndefined();
    expect(planted?.resource['optel.install.id']).toBeUndefined();
    for (const needle of [email.needle, token.needle, 'secret-host', 'plain-project-name', 'drop me']) expect(raw).not.toContain(needle);
    expect(existsSync(pendingDirOf(env)) ? readdirSync(pendingDirOf(env)) : []).toEqual([]);
  });

  it('a pending record over the 4 MiB cap is not read or uploaded, and a FIFO among them does not hang the app', async () => {
    const collector = await receiver();
    const env = consentedEnv({ FIXTURE_ENDPOINT: collector.url });
    mkdirSync(pendingDirOf(env), { recursive: true });
    const big = pendingBody({ name: 'oversized', attributes: { 'cli.command': 'x' }, resource: { 'service.name': 'fixture' } }, 5 * 1024 * 1024);
    writeFileSync(join(pendingDirOf(env), `${Date.now() - 2}-big.otlp.json`), big, { mode: 0o600 });
    hugeJsonFile(join(pendingDirOf(env), `${Date.now() - 1}-huge.otlp.json`), '{}', 100);
    mkfifo(join(pendingDirOf(env), `${Date.now()}-fifo.otlp.json`));
    const result = await runApp(['replay'], env);
    expect(result.signal).toBeNull();
    expect(result.code).toBe(0);
    await collector.waitFor((s) => completedRecords(s, 'replay').length > 0);
    expect(collector.spans.some((span) => span.name === 'oversized')).toBe(false);
    expect(Math.max(...collector.requests.map((request) => request.body.length))).toBeLessThan(1024 * 1024);
    expect(existsSync(pendingDirOf(env)) ? readdirSync(pendingDirOf(env)) : []).toEqual([]);
  });

  it('a linked telemetry-pending/ is never written into, and disable says it removed only the link', async () => {
    const down = await faultyCollector('refused');
    const env = consentedEnv({ FIXTURE_ENDPOINT: down.url });
    const target = tempDir('optel-target-');
    writeFileSync(join(target, 'keep-me.txt'), 'not optel\'s\n');
    symlinkSync(target, pendingDirOf(env));
    const result = await runApp(['process-exit'], env);
    expect(result.code).toBe(4);
    expect(readdirSync(target)).toEqual(['keep-me.txt']);
    const disable = JSON.parse((await runApp(['set-false'], env)).stdout) as { ok: boolean; deleted: string[] };
    expect(disable.ok).toBe(true);
    expect(disable.deleted.find((path) => path.startsWith(pendingDirOf(env)))).toContain('a symbolic link: removed the link');
    expect(readdirSync(target)).toEqual(['keep-me.txt']);
  });
});

describe('finding 8: a thrown value of any kind', () => {
  it('a Proxy whose every property access throws is rethrown unchanged, and the completed record is kept', async () => {
    const collector = await receiver();
    const env = consentedEnv({ FIXTURE_ENDPOINT: collector.url });
    const result = await runApp(['throw-proxy'], env);
    expect(result.stdout).toBe('rethrown unchanged\n');
    expect(result.code).toBe(0);
    const spans = await collector.waitFor(hasStartedAndCompleted('trapped'));
    expect(completedRecords(spans, 'trapped')[0]?.attributes).toMatchObject({ 'optel.outcome': 'failure', 'error.type': 'Error' });
  });
});

describe('finding 10: optel\'s own keys are reserved', () => {
  it('with 130 app attributes, the completed records still carry optel.lifecycle, optel.outcome, error.type and process.exit.code', async () => {
    const collector = await receiver();
    const env = consentedEnv({ FIXTURE_ENDPOINT: collector.url });
    const result = await runApp(['many-attributes'], env);
    expect(result.code).toBe(3);
    const spans = await collector.waitFor((s) => completedRecords(s, 'fixture').length > 0 && completedRecords(s, 'wide').length > 0);
    expect(completedRecords(spans, 'fixture')[0]?.attributes).toMatchObject({
      'optel.lifecycle': 'completed',
      'optel.outcome': 'failure',
      'error.type': '3',
      'process.exit.code': 3,
    });
    expect(completedRecords(spans, 'wide')[0]?.attributes).toMatchObject({ 'optel.lifecycle': 'completed', 'optel.outcome': 'failure', 'error.type': 'DeployError' });
  });
});

describe('findings 7 and 9: `optel receive` as a service', () => {
  const BIN = join(ROOT, 'dist', 'cli', 'main.js');
  const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+\/v1\/traces)$/;

  async function post(url: string, body: Buffer | string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
    const response = await fetch(url, { method: 'POST', body, headers });
    return { status: response.status, text: await response.text() };
  }

  it('a 16 KB gzip body holding 8.3 million empty events is refused with 413 and a reason, in a small heap, and the receiver keeps serving', async () => {
    const bomb = eventBomb(8_300_000);
    expect(bomb.length).toBeLessThan(64 * 1024);
    const child = startNode(['--max-old-space-size=192', BIN, 'receive', '--port', '0'], { timeoutMs: 60_000 });
    try {
      const [, url] = await child.waitForLine(LISTENING);
      const refused = await post(url ?? '', bomb, { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' });
      expect(refused.status).toBe(413);
      expect(refused.text).toMatch(/more than \d+ events/);
      const ok = await post(url ?? '', pendingBody({ name: 'after', attributes: {}, resource: {} }), { 'content-type': 'application/json' });
      expect(ok.status).toBe(200);
      expect(child.child.exitCode).toBeNull();
    } finally {
      child.child.kill('SIGTERM');
      await child.done;
    }
  });

  it('control and bidi characters in names, values and status messages reach the terminal only as visible escapes', async () => {
    const child = startNode([BIN, 'receive', '--port', '0'], { timeoutMs: 30_000 });
    const hostile = 'x\u009b31m\u009d0;title\u0007\u007f\u202etxt.exe\u2066\u200e\u061c\u001b[2J';
    try {
      const [, url] = await child.waitForLine(LISTENING);
      const body = JSON.parse(pendingBody({ name: `evil${hostile}`, attributes: { 'cli.command': hostile, [`key${hostile}`]: 'v' }, resource: {} })) as {
        resourceSpans: { scopeSpans: { spans: { status: unknown }[] }[] }[];
      };
      const span = body.resourceSpans[0]?.scopeSpans[0]?.spans[0];
      if (span) span.status = { code: 2, message: hostile };
      expect((await post(url ?? '', JSON.stringify(body), { 'content-type': 'application/json' })).status).toBe(200);
      const { input: line } = await child.waitForLine(/evil/);
      expect(line).not.toMatch(/[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u);
      expect(line).toContain('\\x9b');
      expect(line).toContain('\\u202e');
    } finally {
      child.child.kill('SIGTERM');
      await child.done;
    }
  });
});

describe('findings 3 and 6: signals behave as without optel, and lose nothing', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} ends a busy loop inside run() at once, dying of the signal; the next run reports it aborted`, async () => {
      const collector = await receiver();
      const env = consentedEnv({ FIXTURE_ENDPOINT: collector.url });
      const app = startNode([APP, 'busy'], { env, timeoutMs: 20_000 });
      await app.waitForStdout('busy');
      app.child.kill(signal);
      const result = await app.done;
      expect(result.signal).toBe(signal);
      // Without optel, the loop never finishes: the signal ends it where it is.
      expect(result.stdout).toBe('busy\n');
      await runApp(['replay'], env);
      const spans = await collector.waitFor((s) => completedRecords(s, 'fixture').length > 0);
      expect(completedRecords(spans, 'fixture')[0]?.attributes).toMatchObject({ 'optel.outcome': 'aborted' });
      expect(completedRecords(spans, 'build')[0]?.attributes).toMatchObject({ 'optel.outcome': 'success' });
    });
  }

  it('an endless loop dies on one SIGINT', async () => {
    const env = consentedEnv({ FIXTURE_ENDPOINT: 'http://127.0.0.1:9', FIXTURE_BUSY_MS: 'forever' });
    const app = startNode([APP, 'busy'], { env, timeoutMs: 20_000 });
    await app.waitForStdout('busy');
    app.child.kill('SIGINT');
    const result = await app.done;
    expect(result.signal).toBe('SIGINT');
  });

  for (const fault of ['refused', 'black-hole'] as const) {
    it(`with the collector ${fault}, records unsent at a SIGTERM (ended and started ones) leave with the next run, with the cut-short commands aborted`, async () => {
      const down = await faultyCollector(fault);
      const collector = await receiver();
      try {
        const env = consentedEnv({ FIXTURE_ENDPOINT: down.url });
        const app = startNode([APP, 'ended-then-long'], { env, timeoutMs: 20_000 });
        await app.waitForStdout('ready');
        app.child.kill('SIGTERM');
        expect((await app.done).signal).toBe('SIGTERM');
        expect(collector.spans).toHaveLength(0);
        await runApp(['replay'], { ...env, FIXTURE_ENDPOINT: collector.url });
        const spans = await collector.waitFor((s) => completedRecords(s, 'watch').length > 0 && completedRecords(s, 'fixture').length > 0 && completedRecords(s, 'build').length > 0);
        expect(completedRecords(spans, 'build')[0]?.attributes).toMatchObject({ 'optel.outcome': 'success' });
        expect(completedRecords(spans, 'watch')[0]?.attributes).toMatchObject({ 'optel.outcome': 'aborted', 'cli.command': 'watch' });
        expect(completedRecords(spans, 'fixture')[0]?.attributes).toMatchObject({ 'optel.outcome': 'aborted' });
        for (const name of ['build', 'watch', 'fixture']) expect(startedRecords(spans, name), name).toHaveLength(1);
      } finally {
        await down.close();
      }
    });
  }

  it("held: the app's own SIGINT handler is respected: the app carries on and ends normally; the command is reported aborted", async () => {
    const collector = await receiver();
    const env = consentedEnv({ FIXTURE_ENDPOINT: collector.url });
    const app = startNode([APP, 'own-sigint'], { env });
    await app.waitForStdout('ready');
    app.child.kill('SIGINT');
    const result = await app.done;
    expect(result.signal).toBeNull();
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('ready\napp got SIGINT\napp continues\n');
    const spans = await collector.waitFor((s) => completedRecords(s, 'watch').length > 0);
    expect(completedRecords(spans, 'watch')[0]?.attributes).toMatchObject({ 'optel.outcome': 'aborted' });
  });
});

describe('held: what already held stays held', () => {
  const BIN = join(ROOT, 'dist', 'cli', 'main.js');
  const LISTENING = /listening on (http:\/\/(127\.0\.0\.1):\d+\/v1\/traces)$/;

  it('umask 000 still gives 0700 folders and 0600 files (key, id, pending records, journal)', async () => {
    const down = await faultyCollector('refused');
    const env = cleanEnv({ FIXTURE_ENDPOINT: down.url });
    const dir = configDirOf(env);
    const underUmask = (scenario: string) => spawnSync('bash', ['-c', `umask 000; exec "${process.execPath}" "${APP}" "$@"`, 'bash', scenario], { env, encoding: 'utf8', timeout: 30_000 });
    expect(underUmask('set-true').status).toBe(0);
    // ('ok' hashes project.name: the key file is made.)
    expect(underUmask('ok').status).toBe(0);
    const mode = (path: string) => statSync(path).mode & 0o777;
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'telemetry-pending'))).toBe(0o700);
    for (const name of ['telemetry-key', 'telemetry-id']) expect(mode(join(dir, name)), name).toBe(0o600);
    const pending = readdirSync(join(dir, 'telemetry-pending'));
    expect(pending.length).toBeGreaterThan(0);
    for (const name of pending) expect(mode(join(dir, 'telemetry-pending', name)), name).toBe(0o600);
    // Nothing optel wrote is writable by others, whatever the umask.
    for (const name of readdirSync(dir, { recursive: true }).map(String)) expect(mode(join(dir, name)) & 0o022, name).toBe(0);
  });

  it('exit codes of every kind are kept, as with telemetry off: 0, 3, 256, -1, 1.5, "7", null, 1e10, and process.exit inside a command', async () => {
    const collector = await receiver();
    for (const value of ['0', '3', '256', '-1', '1.5', '"7"', 'null', '1e10']) {
      const on = await runApp(['exit-value'], consentedEnv({ FIXTURE_ENDPOINT: collector.url, FIXTURE_EXIT: value }));
      const off = await runApp(['exit-value'], consentedEnv({ FIXTURE_ENDPOINT: collector.url, FIXTURE_EXIT: value, DO_NOT_TRACK: '1' }));
      expect({ value, code: on.code, signal: on.signal, stdout: on.stdout }).toEqual({ value, code: off.code, signal: off.signal, stdout: off.stdout });
    }
    const on = await runApp(['process-exit'], consentedEnv({ FIXTURE_ENDPOINT: collector.url }));
    const off = await runApp(['process-exit'], consentedEnv({ FIXTURE_ENDPOINT: collector.url, DO_NOT_TRACK: '1' }));
    expect([on.code, on.stdout]).toEqual([off.code, off.stdout]);
    expect(on.code).toBe(4);
  });

  it('stdout and stderr are byte-identical with telemetry on and off (a stack trace differs only in its frames)', async () => {
    const collector = await receiver();
    const frames = (text: string) => text.split('\n').filter((line) => !/^\s+at /.test(line)).join('\n');
    for (const scenario of ['ok', 'throw', 'exit-code', 'process-exit', 'uncaught']) {
      const on = await runApp([scenario], consentedEnv({ FIXTURE_ENDPOINT: collector.url }));
      const off = await runApp([scenario], consentedEnv({ FIXTURE_ENDPOINT: collector.url, DO_NOT_TRACK: '1' }));
      expect(on.stdout, scenario).toBe(off.stdout);
      expect(on.code, scenario).toBe(off.code);
      expect(frames(on.stderr), scenario).toBe(frames(off.stderr));
    }
  });

  it('10k commands open at once: memory stays bounded, the queue capped, and drops are counted', async () => {
    const down = await faultyCollector('refused');
    const result = await runNode(['--expose-gc', APP, 'concurrent'], { env: consentedEnv({ FIXTURE_ENDPOINT: down.url }), timeoutMs: 60_000 });
    expect(result.code).toBe(0);
    const { stats, heapGrowthMb } = JSON.parse(result.stdout) as { stats: { sent: number; dropped: number; pending: number }; heapGrowthMb: number };
    expect(stats.sent).toBe(0);
    // The queue's 2048, and a batch of 512 in flight.
    expect(stats.pending).toBeLessThanOrEqual(2048 + 512);
    expect(stats.dropped + stats.pending).toBe(2 * 10_000 + 2);
    expect(heapGrowthMb).toBeLessThan(50);
  });

  for (const kind of ['reset', 'header-overflow', 'garbage'] as const) {
    it(`no unhandled rejection under --unhandled-rejections=strict when the collector ${kind === 'garbage' ? 'sends garbage' : kind === 'reset' ? 'resets the connection' : 'overflows the headers'}`, async () => {
      const bad = kind === 'garbage' ? await faultyCollector('garbage') : await rawCollector(kind);
      try {
        const env = consentedEnv({ FIXTURE_ENDPOINT: bad.url });
        for (const scenario of ['ok', 'no-shutdown']) {
          const result = await runNode(['--unhandled-rejections=strict', APP, scenario], { env });
          expect({ scenario, code: result.code, stderr: result.stderr }).toEqual({ scenario, code: 0, stderr: '' });
        }
      } finally {
        await bad.close();
      }
    });
  }

  it('attribute keys named __proto__ and constructor pollute no prototype, and the records still leave', async () => {
    const collector = await receiver();
    const result = await runApp(['proto'], consentedEnv({ FIXTURE_ENDPOINT: collector.url }));
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ polluted: false });
    const spans = await collector.waitFor(hasStartedAndCompleted('proto'));
    expect(completedRecords(spans, 'proto')[0]?.attributes).toMatchObject({ 'cli.command': 'proto', 'optel.outcome': 'success' });
  });

  it('optel receive binds to loopback, survives 2,000 stalled connections, refuses deep JSON and protobuf, and writes one JSONL line per span', async () => {
    const jsonl = join(tempDir('optel-jsonl-'), 'spans.jsonl');
    const child = startNode([BIN, 'receive', '--port', '0', '--jsonl', jsonl], { timeoutMs: 60_000 });
    const stalled: Socket[] = [];
    try {
      const [, url, host] = await child.waitForLine(LISTENING);
      expect(host).toBe('127.0.0.1');
      const port = Number(new URL(url ?? '').port);
      // Slowloris: 2,000 connections that never finish their headers.
      await Promise.all(
        Array.from({ length: 2000 }, () =>
          new Promise<void>((resolve) => {
            const socket = createConnection({ host: '127.0.0.1', port }, () => {
              socket.write('POST /v1/traces HTTP/1.1\r\nHost: x\r\nX-Slow: ');
              resolve();
            });
            socket.on('error', () => resolve());
            stalled.push(socket);
          }),
        ),
      );
      const post = async (body: Buffer | string, type: string) => {
        const response = await fetch(url ?? '', { method: 'POST', body, headers: { 'content-type': type } });
        return { status: response.status, text: await response.text() };
      };
      const deepJson = `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"${'a'.repeat(32)}","spanId":"${'b'.repeat(16)}","name":"deep","attributes":[{"key":"k","value":${'{"arrayValue":{"values":['.repeat(5000)}${']}}'.repeat(5000)}}]}]}]}]}`;
      expect((await post(deepJson, 'application/json')).status).toBe(400);
      let nested: Buffer = Buffer.from([0x0a, 0x00]); // AnyValue { string_value: "" }
      // AnyValue { array_value: ArrayValue { values: [ ...200 levels ] } }
      for (let i = 0; i < 200; i++) nested = protobufField(5, protobufField(1, nested));
      const deepProtobuf = protobufSpanWithValue(nested);
      const refused = await post(deepProtobuf, 'application/x-protobuf');
      expect(refused.status).toBe(400);
      expect(refused.text).toMatch(/nested deeper/);
      // Still serving, and a name and values with line breaks stay on one JSONL line.
      const ok = await post(pendingBody({ name: 'two\nlines\u2028here', attributes: { 'cli.command': 'a\nb\rc' }, resource: {} }), 'application/json');
      expect(ok.status).toBe(200);
      await child.waitForLine(/two/);
      const lines = readFileSync(jsonl, 'utf8').split('\n').filter((line) => line !== '');
      expect(lines).toHaveLength(1);
      expect((JSON.parse(lines[0] ?? '{}') as { name: string }).name).toBe('two\nlines\u2028here');
    } finally {
      for (const socket of stalled) socket.destroy();
      child.child.kill('SIGTERM');
      await child.done;
    }
  });
});
