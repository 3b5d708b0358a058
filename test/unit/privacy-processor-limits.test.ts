/**
 * The privacy processor's bounds and failure paths when nobody is listening
 * for its diagnostics, and the resource it builds while an app's own SDK
 * still waits for its resource detectors.
 */
import type { AttributeValue } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it, vi } from 'vitest';
import { Diagnostics } from '../../src/diagnostics.js';
import { scrubbedResource } from '../../src/privacy/resource.js';
import { scrubSpan } from '../../src/privacy/scrub-span.js';

const KEY = Buffer.from('22'.repeat(32), 'hex');

function recorder(): SpanProcessor & { readonly ended: ReadableSpan[] } {
  const ended: ReadableSpan[] = [];
  return { ended, onStart: () => undefined, onEnd: (span) => ended.push(span), forceFlush: async () => undefined, shutdown: async () => undefined };
}

function oneEndedSpan(): ReadableSpan {
  const seen = recorder();
  new BasicTracerProvider({ spanProcessors: [seen] }).getTracer('limits').startSpan('build', { attributes: { 'cli.command': 'build' } }).end();
  const [span] = seen.ended;
  if (!span) throw new Error('no span');
  return span;
}

describe('PrivacySpanProcessor while the scrubber loads', () => {
  it('at most 2048 spans wait; more are dropped, counted and reported', async () => {
    vi.resetModules();
    // A fresh copy of the module: its scrubber is not loaded yet.
    const { PrivacySpanProcessor } = await import('../../src/sdk/privacy-span-processor.js');
    const next = recorder();
    const diagnostics = new Diagnostics('test', false);
    const processor = new PrivacySpanProcessor(next, { catalogue: { 'cli.command': 'clear' }, hashKey: KEY }, diagnostics);
    const span = oneEndedSpan();
    for (let i = 0; i < 2050; i++) processor.onEnd(span);
    expect(processor.failed).toBe(2);
    expect(diagnostics.list().map((d) => d.message)).toContain('dropped a span that could not be scrubbed: Error: too many spans waiting for the scrubber to load');
    await processor.forceFlush();
    expect(next.ended).toHaveLength(2048);
  });

  it('if the scrubber cannot be loaded, the waiting spans are dropped and counted, never passed on raw', async () => {
    vi.resetModules();
    vi.doMock('../../src/privacy/scrub-span.js', () => {
      throw new Error('scrubber missing');
    });
    try {
      const { PrivacySpanProcessor } = await import('../../src/sdk/privacy-span-processor.js');
      const next = recorder();
      const diagnostics = new Diagnostics('test', false);
      const processor = new PrivacySpanProcessor(next, { catalogue: { 'cli.command': 'clear' }, hashKey: KEY }, diagnostics);
      const span = oneEndedSpan();
      processor.onEnd(span);
      processor.onEnd(span);
      await processor.forceFlush();
      expect(next.ended).toHaveLength(0);
      expect(processor.failed).toBe(2);
      expect(diagnostics.list().map((d) => d.message).join('\n')).toMatch(/^could not load the scrubber; spans dropped: /);
      const quiet = new PrivacySpanProcessor(next, { catalogue: {}, hashKey: KEY });
      quiet.onEnd(span);
      await expect(quiet.forceFlush()).resolves.toBeUndefined();
      expect(quiet.failed).toBe(1);
    } finally {
      vi.doUnmock('../../src/privacy/scrub-span.js');
      vi.resetModules();
    }
  });
});

describe('PrivacySpanProcessor without diagnostics', () => {
  it('a next processor that throws or rejects never reaches the app', async () => {
    const { PrivacySpanProcessor } = await import('../../src/sdk/privacy-span-processor.js');
    const throwing: SpanProcessor = {
      onStart: () => undefined,
      onEnd: () => {
        throw new Error('onEnd broke');
      },
      forceFlush: () => Promise.reject(new Error('flush broke')),
      shutdown: () => Promise.reject(new Error('shutdown broke')),
    };
    const processor = new PrivacySpanProcessor(throwing, { catalogue: {}, hashKey: KEY }, undefined, scrubSpan);
    expect(() => processor.onEnd(oneEndedSpan())).not.toThrow();
    await expect(processor.forceFlush()).resolves.toBeUndefined();
    await expect(processor.shutdown()).resolves.toBeUndefined();
  });
});

describe('the scrubbed resource', () => {
  const scrub = (value: AttributeValue): AttributeValue => (typeof value === 'string' ? value.replace('jane', '[user]') : value);

  it('while detectors still run, shows only what has settled, then everything allowed once they are done', async () => {
    let settle: (value: AttributeValue) => void = () => undefined;
    const source = resourceFromAttributes({
      'service.name': 'acme',
      'os.version': new Promise<AttributeValue>((resolve) => (settle = resolve)),
      'host.name': 'jane-laptop',
    });
    const resource = scrubbedResource(source, scrub, {});
    expect(resource.asyncAttributesPending).toBe(true);
    expect(resource.attributes).toStrictEqual({ 'service.name': 'acme' });
    settle('6.1');
    await resource.waitForAsyncAttributes?.();
    expect(resource.asyncAttributesPending).toBe(false);
    expect(resource.attributes).toStrictEqual({ 'service.name': 'acme', 'os.version': '6.1' });
  });

  it('keys without a value are left out, and the schema URL is kept', async () => {
    const source: Resource = {
      ...resourceFromAttributes({}),
      attributes: { 'service.name': 'acme', 'service.version': undefined, 'os.type': null as unknown as AttributeValue },
      asyncAttributesPending: false,
      schemaUrl: 'https://opentelemetry.io/schemas/1.24.0',
      getRawAttributes: () => [],
    };
    const resource = scrubbedResource(source, scrub, {});
    expect(resource.attributes).toStrictEqual({ 'service.name': 'acme' });
    expect(resource.schemaUrl).toBe('https://opentelemetry.io/schemas/1.24.0');
    // A source without detectors to wait for (it has no waitForAsyncAttributes of its own).
    await expect(resource.waitForAsyncAttributes?.()).resolves.toBeUndefined();
    expect(scrubbedResource(resourceFromAttributes({ 'service.name': 'acme' }), scrub, {}).schemaUrl).toBeUndefined();
  });

  it('merged with another resource, keeps both (the other wins) and is settled', async () => {
    const resource = scrubbedResource(resourceFromAttributes({ 'service.name': 'acme', 'service.namespace': 'jane' }), scrub, { 'service.version': '1.0.0' });
    const merged = resource.merge(resourceFromAttributes({ 'service.name': 'other' }));
    expect(merged.attributes).toStrictEqual({ 'service.name': 'other', 'service.namespace': '[user]', 'service.version': '1.0.0' });
    expect(merged.asyncAttributesPending).toBe(false);
    await expect(merged.waitForAsyncAttributes?.()).resolves.toBeUndefined();
    expect(resource.merge(null).attributes).toStrictEqual(resource.attributes);
  });
});
