import type { Context } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../../src/diagnostics.js';
import type { AttributeCatalogue } from '../../src/config/options.js';
import { keyedDigest } from '../../src/privacy/hash.js';
import { PrivacySpanProcessor } from '../../src/sdk/privacy-span-processor.js';
import type { PrivacyPolicy } from '../../src/privacy/scrub-span.js';
import { scrubSpan } from '../../src/privacy/scrub-span.js';

const KEY = Buffer.from('11'.repeat(32), 'hex');

/** A processor that records what it is handed. */
class Recorder implements SpanProcessor {
  readonly started: Span[] = [];
  readonly ended: ReadableSpan[] = [];
  onStart(span: Span, _context: Context): void {
    this.started.push(span);
  }
  onEnd(span: ReadableSpan): void {
    this.ended.push(span);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function runOneSpan(processor: SpanProcessor): void {
  const provider = new BasicTracerProvider({ spanProcessors: [processor] });
  const span = provider.getTracer('processor-test').startSpan('build', {
    attributes: { 'cli.command': 'build', 'project.name': 'acme', 'user.email': 'jane@corp.example' },
  });
  span.end();
}

describe('PrivacySpanProcessor', () => {
  it('hands the next processor a scrubbed copy of every ended span', () => {
    const exporter = new InMemorySpanExporter();
    const policy: PrivacyPolicy = { catalogue: { 'cli.command': 'clear', 'project.name': 'hash' }, hashKey: KEY };
    runOneSpan(new PrivacySpanProcessor(new SimpleSpanProcessor(exporter), policy, undefined, scrubSpan));

    const [span] = exporter.getFinishedSpans();
    expect(span?.attributes).toEqual({ 'cli.command': 'build', 'project.name': keyedDigest(KEY, 'acme') });
  });

  it('fails closed: when the hash key makes scrubbing throw, the span is dropped and the next processor never sees it', () => {
    const recorder = new Recorder();
    const diagnostics = new Diagnostics('test', false);
    const broken: PrivacyPolicy = { catalogue: { 'project.name': 'hash' }, hashKey: undefined as unknown as Uint8Array };
    const processor = new PrivacySpanProcessor(recorder, broken, diagnostics, scrubSpan);
    expect(() => runOneSpan(processor)).not.toThrow();

    expect(recorder.ended).toHaveLength(0);
    expect(processor.failed).toBe(1);
    expect(diagnostics.list().map((d) => d.message).join('\n')).toMatch(/could not be scrubbed/);
  });

  it('fails closed: when the catalogue itself throws, the span is dropped and the next exporter gets nothing', () => {
    const exporter = new InMemorySpanExporter();
    const catalogue = new Proxy(
      {},
      {
        getOwnPropertyDescriptor() {
          throw new Error('catalogue unavailable');
        },
        get() {
          throw new Error('catalogue unavailable');
        },
      },
    ) as AttributeCatalogue;
    const processor = new PrivacySpanProcessor(new SimpleSpanProcessor(exporter), { catalogue, hashKey: KEY }, undefined, scrubSpan);
    expect(() => runOneSpan(processor)).not.toThrow();

    expect(exporter.getFinishedSpans()).toHaveLength(0);
    expect(processor.failed).toBe(1);
  });

  it('a next processor that throws never reaches the app', () => {
    const throwing: SpanProcessor = {
      onStart: () => {
        throw new Error('onStart broke');
      },
      onEnd: () => {
        throw new Error('onEnd broke');
      },
      forceFlush: () => Promise.reject(new Error('flush broke')),
      shutdown: () => Promise.reject(new Error('shutdown broke')),
    };
    const diagnostics = new Diagnostics('test', false);
    const processor = new PrivacySpanProcessor(throwing, { catalogue: {}, hashKey: KEY }, diagnostics, scrubSpan);
    expect(() => runOneSpan(processor)).not.toThrow();
    return Promise.all([processor.forceFlush(), processor.shutdown()]).then(() => {
      expect(diagnostics.list().map((d) => d.message)).toEqual([
        'span processor onEnd failed: Error: onEnd broke',
        'span processor forceFlush failed: Error: flush broke',
        'span processor shutdown failed: Error: shutdown broke',
      ]);
    });
  });

  it('never hands the next processor a live span: not at start, and only a copy at the end', () => {
    const recorder = new Recorder();
    const seen: ReadableSpan[] = [];
    const spy: SpanProcessor = { onStart: () => undefined, onEnd: (span) => seen.push(span), forceFlush: async () => undefined, shutdown: async () => undefined };
    const provider = new BasicTracerProvider({ spanProcessors: [spy, new PrivacySpanProcessor(recorder, { catalogue: {}, hashKey: KEY }, undefined, scrubSpan)] });
    provider.getTracer('t').startSpan('x').end();
    expect(recorder.started).toHaveLength(0);
    expect(recorder.ended).toHaveLength(1);
    expect(recorder.ended[0]).not.toBe(seen[0]);
  });

  it('asks a policy function at every span end; undefined withholds the span (telemetry off)', () => {
    const recorder = new Recorder();
    let on = false;
    let built = 0;
    const processor = new PrivacySpanProcessor(recorder, () => {
      if (!on) return undefined;
      built++;
      return { catalogue: { 'cli.command': 'clear' }, hashKey: KEY };
    }, undefined, scrubSpan);
    runOneSpan(processor);
    expect(recorder.ended).toHaveLength(0);
    expect(processor.withheld).toBe(1);
    expect(built).toBe(0);
    on = true;
    runOneSpan(processor);
    expect(recorder.ended.map((s) => s.attributes)).toEqual([{ 'cli.command': 'build' }]);
  });

  it('without a scrubber given, loads it with the first span and passes spans on in order; flush waits for them', async () => {
    const recorder = new Recorder();
    const processor = new PrivacySpanProcessor(recorder, { catalogue: { 'cli.command': 'clear' }, hashKey: KEY });
    const provider = new BasicTracerProvider({ spanProcessors: [processor] });
    const tracer = provider.getTracer('t');
    for (const name of ['one', 'two', 'three']) tracer.startSpan(name, { attributes: { 'cli.command': 'jane@corp.example' } }).end();
    await processor.forceFlush();
    tracer.startSpan('four').end();
    await processor.shutdown();
    expect(recorder.ended.map((s) => s.name)).toEqual(['one', 'two', 'three', 'four']);
    expect(recorder.ended[0]?.attributes).toEqual({ 'cli.command': '[redacted:email]' });
  });

  it('fails closed when the policy function throws (e.g. the key file is unreadable)', () => {
    const recorder = new Recorder();
    const processor = new PrivacySpanProcessor(recorder, () => {
      throw new Error('no key');
    }, undefined, scrubSpan);
    expect(() => runOneSpan(processor)).not.toThrow();
    expect(recorder.ended).toHaveLength(0);
    expect(processor.failed).toBe(1);
  });
});
