import { SpanStatusCode } from '@opentelemetry/api';
import type { Attributes, Span } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { keyedDigest } from '../../src/privacy/hash.js';
import type { PrivacyPolicy } from '../../src/privacy/scrub-span.js';
import { scrubSpan } from '../../src/privacy/scrub-span.js';

const KEY = Buffer.from('5a'.repeat(32), 'hex');
const POLICY: PrivacyPolicy = {
  catalogue: { 'cli.command': 'clear', 'project.name': 'hash', 'project.tags': 'hash', 'build.count': 'clear' },
  hashKey: KEY,
};

/** Ends one real span made by a real tracer provider and returns it as the SDK hands it to processors. */
function endedSpan(build: (span: Span) => void, attributes: Attributes = {}): ReadableSpan {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const span = provider.getTracer('scrub-test').startSpan('build', { attributes });
  build(span);
  span.end();
  const [finished] = exporter.getFinishedSpans();
  if (!finished) throw new Error('the in-memory exporter got no span');
  return finished;
}

describe('scrubSpan', () => {
  it('keeps declared clear keys as they are', () => {
    const copy = scrubSpan(endedSpan(() => undefined, { 'cli.command': 'build', 'build.count': 3 }), POLICY);
    expect(copy.attributes).toEqual({ 'cli.command': 'build', 'build.count': 3 });
  });

  it('drops every undeclared key and counts them in droppedAttributesCount', () => {
    const span = endedSpan(() => undefined, {
      'cli.command': 'build',
      'user.email': 'jane@corp.example',
      'file.path': '/home/jane/secret-project',
      'http.url': 'https://x.example/?token=abc',
    });
    const copy = scrubSpan(span, POLICY);
    expect(copy.attributes).toEqual({ 'cli.command': 'build' });
    expect(copy.droppedAttributesCount).toBe(span.droppedAttributesCount + 3);
  });

  it("keeps optel's own lifecycle keys without a declaration", () => {
    const attributes = { 'optel.lifecycle': 'completed', 'optel.outcome': 'failure', 'process.exit.code': 3, 'error.type': 'DeployError' };
    expect(scrubSpan(endedSpan(() => undefined, attributes), POLICY).attributes).toEqual(attributes);
  });

  it('replaces the values of hash keys with their keyed digest', () => {
    const copy = scrubSpan(endedSpan(() => undefined, { 'project.name': 'acme' }), POLICY);
    expect(copy.attributes['project.name']).toBe(keyedDigest(KEY, 'acme'));
    expect(JSON.stringify(copy.attributes)).not.toContain('acme');
  });

  it('hashes arrays element by element', () => {
    const copy = scrubSpan(endedSpan(() => undefined, { 'project.tags': ['alpha', 'beta', 'alpha'] }), POLICY);
    const alpha = keyedDigest(KEY, 'alpha');
    expect(copy.attributes['project.tags']).toEqual([alpha, keyedDigest(KEY, 'beta'), alpha]);
  });

  it('reduces exception events to the exception type: no message, no stack trace', () => {
    const span = endedSpan((s) => {
      s.recordException(new TypeError('cannot read /home/jane/.aws/credentials'));
    });
    const copy = scrubSpan(span, POLICY);
    expect(copy.events).toHaveLength(1);
    expect(copy.events[0]?.name).toBe('exception');
    expect(copy.events[0]?.attributes).toEqual({ 'exception.type': 'TypeError' });
    expect(JSON.stringify(copy.events)).not.toContain('/home/jane');
  });

  it('filters the attributes of other events through the catalogue', () => {
    const span = endedSpan((s) => {
      s.addEvent('cache.miss', { 'cli.command': 'build', 'project.name': 'acme', 'cache.key': '/home/jane/x' });
    });
    const [event] = scrubSpan(span, POLICY).events;
    expect(event?.attributes).toEqual({ 'cli.command': 'build', 'project.name': keyedDigest(KEY, 'acme') });
  });

  it('removes the status message but keeps the status code', () => {
    const span = endedSpan((s) => {
      s.setStatus({ code: SpanStatusCode.ERROR, message: 'failed to read /home/jane/secret' });
    });
    const copy = scrubSpan(span, POLICY);
    expect(copy.status.code).toBe(SpanStatusCode.ERROR);
    expect(copy.status.message).toBeUndefined();
  });

  it('keeps identity and timing: name, ids, parent, times', () => {
    const span = endedSpan(() => undefined, { 'cli.command': 'build' });
    const copy = scrubSpan(span, POLICY);
    expect(copy.name).toBe(span.name);
    expect(copy.spanContext()).toEqual(span.spanContext());
    expect(copy.startTime).toEqual(span.startTime);
    expect(copy.endTime).toEqual(span.endTime);
    expect(copy.duration).toEqual(span.duration);
    expect(copy.resource).toBe(span.resource);
  });

  it('never changes the live span, which other processors may still hold', () => {
    const span = endedSpan(
      (s) => {
        s.recordException(new Error('secret message'));
        s.setStatus({ code: SpanStatusCode.ERROR, message: 'status secret' });
      },
      { 'cli.command': 'build', 'project.name': 'acme', 'user.email': 'jane@corp.example', 'project.tags': ['a', 'b'] },
    );
    const before = {
      attributes: structuredClone(span.attributes),
      events: structuredClone(span.events),
      status: structuredClone(span.status),
      dropped: span.droppedAttributesCount,
    };
    scrubSpan(span, POLICY);
    expect(span.attributes).toEqual(before.attributes);
    expect(span.events).toEqual(before.events);
    expect(span.status).toEqual(before.status);
    expect(span.droppedAttributesCount).toBe(before.dropped);
  });

  it('gives the same output for the same span, policy and key', () => {
    const span = endedSpan(() => undefined, { 'project.name': 'acme', 'cli.command': 'x' });
    expect(scrubSpan(span, POLICY).attributes).toEqual(scrubSpan(span, POLICY).attributes);
  });
});
