import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { createTelemetry } from '../src/index.js';
import { faultyCollector } from './support/collector.js';
import { cleanEnv, consentedEnv, FIXTURES, runNode, startNode, tempDir } from './support/child.js';

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
