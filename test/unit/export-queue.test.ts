import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Diagnostics } from '../../src/diagnostics.js';
import { postOtlp } from '../../src/pipeline/otlp-http.js';
import { ExportQueue } from '../../src/pipeline/queue.js';
import type { ExportQueueOptions } from '../../src/pipeline/queue.js';
import type { SendResult } from '../../src/pipeline/otlp-http.js';

/** Generous bound that only catches a hang; never a timing expectation. */
const HANG_BOUND_MS = 10_000;

interface TestCollector {
  readonly url: URL;
  /** Span names in every request body that was read completely. */
  readonly batches: string[][];
  /** Requests that arrived (including ones never answered). */
  arrived: number;
  close(): Promise<void>;
}

type Answer = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

const servers: TestCollector[] = [];
const queues: ExportQueue[] = [];
afterEach(async () => {
  for (const queue of queues.splice(0)) queue.takeUnsent();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function collector(answer: Answer): Promise<TestCollector> {
  const batches: string[][] = [];
  const state: TestCollector = {
    url: new URL('http://127.0.0.1/'),
    batches,
    arrived: 0,
    close: () => Promise.resolve(),
  };
  const server = createServer((req, res) => {
    state.arrived++;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => undefined);
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      batches.push(spanNames(body));
      answer(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const result: TestCollector = Object.assign(state, {
    url: new URL(`http://127.0.0.1:${port}/v1/traces`),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
  servers.push(result);
  return result;
}

function spanNames(body: Buffer): string[] {
  const parsed = JSON.parse(body.toString('utf8')) as {
    resourceSpans?: { scopeSpans?: { spans?: { name: string }[] }[] }[];
  };
  return (parsed.resourceSpans ?? []).flatMap((r) => (r.scopeSpans ?? []).flatMap((s) => (s.spans ?? []).map((span) => span.name)));
}

function answerWith(status: number, headers: Record<string, string> = {}): Answer {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end('{}');
  };
}

/** Real ended spans, named span-0 ... span-(n-1). */
function spans(n: number): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('queue-test');
  for (let i = 0; i < n; i++) tracer.startSpan(`span-${i}`).end();
  return exporter.getFinishedSpans();
}

function queueFor(target: TestCollector, options: Partial<ExportQueueOptions> = {}): { queue: ExportQueue; diagnostics: Diagnostics } {
  const diagnostics = new Diagnostics('test', false);
  const queue = new ExportQueue({
    diagnostics,
    // Nothing leaves on its own during a test; only flush() sends.
    delayMs: 60_000,
    send: (batch, signal) => {
      const body = JsonTraceSerializer.serializeRequest(batch);
      if (!body) throw new Error('serializer returned nothing');
      return postOtlp(target.url, body, 'optel-test', signal);
    },
    ...options,
  });
  queues.push(queue);
  return { queue, diagnostics };
}

/** Resolves 'returned' when `work` settles, or 'hung' after HANG_BOUND_MS. */
function withinHangBound(work: Promise<unknown>): Promise<'returned' | 'hung'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('hung'), HANG_BOUND_MS);
    void work.finally(() => {
      clearTimeout(timer);
      resolve('returned');
    });
  });
}

describe('ExportQueue', () => {
  it('sends what is queued on flush, and counts it as sent', async () => {
    const target = await collector(answerWith(200));
    const { queue } = queueFor(target);
    for (const span of spans(3)) queue.add(span);
    expect(queue.pending).toBe(3);

    expect(await withinHangBound(queue.flush(Date.now() + HANG_BOUND_MS))).toBe('returned');
    expect(queue.sent).toBe(3);
    expect(queue.pending).toBe(0);
    expect(target.batches.flat()).toEqual(['span-0', 'span-1', 'span-2']);
  });

  it('is bounded: past maxQueueSize new spans are dropped and counted, and the kept ones still go out', async () => {
    const target = await collector(answerWith(200));
    const { queue } = queueFor(target, { maxQueueSize: 10 });
    for (const span of spans(25)) queue.add(span);
    expect(queue.dropped).toBe(15);
    expect(queue.pending).toBe(10);

    await withinHangBound(queue.flush(Date.now() + HANG_BOUND_MS));
    expect(queue.sent).toBe(10);
    expect(target.batches.flat()).toEqual(Array.from({ length: 10 }, (_, i) => `span-${i}`));
  });

  it('tells onSettled of the spans it drops when a retried batch no longer fits, so the journal holds no more than the queue', async () => {
    const all = spans(15);
    const settled: string[] = [];
    const target = await collector((_req, res) => {
      // While the first batch is out, five more spans fill the queue again; then the collector asks for a retry.
      for (const span of all.slice(10)) queue.add(span);
      answerWith(503)(_req, res, Buffer.alloc(0));
    });
    const { queue } = queueFor(target, { maxQueueSize: 10, maxBatchSize: 5, onSettled: (batch) => settled.push(...batch.map((span) => span.name)) });
    for (const span of all.slice(0, 10)) queue.add(span);
    await withinHangBound(queue.flush(Date.now() + HANG_BOUND_MS));
    // The oldest ten are kept; the five newest were dropped, counted, and settled.
    expect(queue.pending).toBe(10);
    expect(queue.dropped).toBe(5);
    expect(settled).toEqual(['span-10', 'span-11', 'span-12', 'span-13', 'span-14']);
  });

  it('splits what it sends into batches of at most maxBatchSize', async () => {
    const target = await collector(answerWith(200));
    const { queue } = queueFor(target, { maxBatchSize: 4 });
    for (const span of spans(10)) queue.add(span);
    await withinHangBound(queue.flush(Date.now() + HANG_BOUND_MS));
    expect(target.batches.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(queue.sent).toBe(10);
  });

  it('flush returns by its deadline against a collector that never answers, keeping the spans for takeUnsent', async () => {
    const target = await collector(() => {
      // A black hole: reads the request and never answers.
    });
    const { queue } = queueFor(target);
    for (const span of spans(5)) queue.add(span);

    const outcome = await withinHangBound(queue.flush(Date.now() + 300));
    expect(outcome).toBe('returned');
    expect(queue.sent).toBe(0);
    expect(queue.dropped).toBe(0);
    expect(queue.pending).toBe(5);
    expect(queue.takeUnsent().map((s) => s.name).sort()).toEqual(['span-0', 'span-1', 'span-2', 'span-3', 'span-4']);
    expect(queue.pending).toBe(0);
  });

  it('flush with a deadline already passed returns at once and sends nothing', async () => {
    const target = await collector(answerWith(200));
    const { queue } = queueFor(target);
    for (const span of spans(2)) queue.add(span);
    expect(await withinHangBound(queue.flush(Date.now() - 1))).toBe('returned');
    expect(target.arrived).toBe(0);
    expect(queue.pending).toBe(2);
  });

  it('a retryable answer (503) keeps the spans queued, and a later flush delivers them', async () => {
    let status = 503;
    const target = await collector((req, res, body) => answerWith(status, { 'retry-after': '120' })(req, res, body));
    const { queue, diagnostics } = queueFor(target);
    for (const span of spans(4)) queue.add(span);

    await withinHangBound(queue.flush(Date.now() + HANG_BOUND_MS));
    expect(target.batches).toHaveLength(1);
    expect(queue.pending).toBe(4);
    expect(queue.sent).toBe(0);
    expect(queue.dropped).toBe(0);
    expect(diagnostics.list().map((d) => d.message).join('\n')).toMatch(/will retry/);

    status = 200;
    await withinHangBound(queue.flush(Date.now() + HANG_BOUND_MS));
    expect(queue.sent).toBe(4);
    expect(queue.pending).toBe(0);
    expect(target.batches).toHaveLength(2);
    expect(target.batches[1]).toEqual(target.batches[0]);
  });

  it('a collector that is down (connection refused) counts as retryable: nothing is dropped', async () => {
    const target = await collector(answerWith(200));
    await target.close();
    const { queue } = queueFor(target);
    for (const span of spans(3)) queue.add(span);
    expect(await withinHangBound(queue.flush(Date.now() + HANG_BOUND_MS))).toBe('returned');
    expect(queue.pending).toBe(3);
    expect(queue.dropped).toBe(0);
  });

  it('a non-retryable answer (400) drops the batch and counts it, without retrying', async () => {
    const target = await collector(answerWith(400));
    const { queue, diagnostics } = queueFor(target);
    for (const span of spans(6)) queue.add(span);

    await withinHangBound(queue.flush(Date.now() + HANG_BOUND_MS));
    expect(queue.dropped).toBe(6);
    expect(queue.pending).toBe(0);
    expect(queue.sent).toBe(0);
    expect(queue.takeUnsent()).toEqual([]);
    expect(target.batches).toHaveLength(1);
    expect(diagnostics.list().map((d) => d.message).join('\n')).toMatch(/dropped 6 spans/);

    await withinHangBound(queue.flush(Date.now() + HANG_BOUND_MS));
    expect(target.batches).toHaveLength(1);
  });

  it('discard drops everything queued, so nothing is sent after consent is withdrawn', async () => {
    const target = await collector(answerWith(200));
    const { queue } = queueFor(target);
    for (const span of spans(3)) queue.add(span);
    queue.discard();
    expect(queue.pending).toBe(0);
    await withinHangBound(queue.flush(Date.now() + HANG_BOUND_MS));
    expect(target.arrived).toBe(0);
  });
});

describe('ExportQueue retry pacing (on a fake clock, so nothing depends on real time)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Counts the background attempts made while the fake clock moves `ms` forward. */
  async function attemptsWithin(ms: number, answer: SendResult): Promise<number[]> {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const start = Date.now();
    const attempts: number[] = [];
    const queue = new ExportQueue({
      diagnostics: new Diagnostics('test', false),
      delayMs: 0,
      send: () => {
        attempts.push(Date.now() - start);
        // Stop after a while whatever happens, so a tight loop ends and shows up as a count.
        return Promise.resolve(attempts.length >= 50 ? { ok: true, retryable: false, status: 200 } : answer);
      },
    });
    queues.push(queue);
    for (const span of spans(2)) queue.add(span);
    await vi.advanceTimersByTimeAsync(ms);
    return attempts;
  }

  it('backs off after a 503 without Retry-After instead of retrying at once', async () => {
    const attempts = await attemptsWithin(1_500, { ok: false, retryable: true, status: 503 });
    expect(attempts.length).toBeGreaterThanOrEqual(1);
    expect(attempts.length).toBeLessThanOrEqual(3);
  });

  it('does not retry in a tight loop when a collector keeps answering 503 with Retry-After: 0', async () => {
    const attempts = await attemptsWithin(1_500, { ok: false, retryable: true, status: 503, retryAfterMs: 0 });
    expect(attempts.length).toBeGreaterThanOrEqual(1);
    expect(attempts.length).toBeLessThanOrEqual(3);
  });
});
