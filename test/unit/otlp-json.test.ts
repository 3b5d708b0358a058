/**
 * optel encodes its own spans to OTLP/JSON by hand (src/pipeline/otlp-json.ts).
 * Held here against the stock OpenTelemetry serializer, for the same spans:
 * both must say the same thing, up to the two places where the stock one
 * departs from the protobuf JSON mapping (int64 `intValue` written as a
 * number instead of a decimal string; non-finite doubles).
 */
import { ROOT_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../../src/diagnostics.js';
import { Recorder } from '../../src/lifecycle/recorder.js';
import type { RecordedSpan } from '../../src/lifecycle/recorded-span.js';
import { encodeTraceRequest } from '../../src/pipeline/otlp-json.js';
import { plainResource } from '../../src/privacy/resource.js';
import { normalizeTraceRequest } from '../../src/receiver/spans.js';

/** Spans of every shape optel sends, made by the stock SDK. */
function sdkSpans(): ReadableSpan[] {
  const ended: ReadableSpan[] = [];
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'demo', 'service.version': '1.0.0', 'optel.ci': false }),
    spanProcessors: [{ onStart: () => undefined, onEnd: (span) => ended.push(span), forceFlush: async () => undefined, shutdown: async () => undefined }],
  });
  const tracer = provider.getTracer('optel', '0.1.0');
  const command = tracer.startSpan('build', { attributes: { 'cli.command': 'build', 'build.count': 3, ratio: 0.25, ok: true, tags: ['a', 'b'], big: 2 ** 40 } });
  command.addEvent('cache miss', { 'cache.key': 'k1', 'cache.size': 12 });
  command.recordException(new RangeError('late failure'));
  const step = tracer.startSpan('compile', { attributes: { 'build.target': 'web' } }, trace.setSpan(ROOT_CONTEXT, command));
  step.setStatus({ code: SpanStatusCode.ERROR, message: 'compile failed' });
  step.addLink({ context: command.spanContext(), attributes: { why: 'follows' } });
  step.end();
  command.setStatus({ code: SpanStatusCode.ERROR });
  command.end();
  return ended;
}

/** The same shapes, recorded by optel's own recorder. */
function recordedSpans(): RecordedSpan[] {
  const ended: RecordedSpan[] = [];
  const recorder = new Recorder({ isEnabled: () => true }, new Diagnostics('test', false), '0.1.0');
  recorder.connect((span) => ended.push(span), plainResource(() => ({ 'service.name': 'demo', 'optel.ci': false })));
  const command = recorder.startSpan('build', { 'cli.command': 'build', 'build.count': 3, ratio: 0.25, ok: true, tags: ['a', 'b'] }, undefined) as RecordedSpan;
  recorder.recordStarted(command);
  command.addEvent('cache miss', { 'cache.key': 'k1' });
  command.recordException(new RangeError('late failure'));
  const step = recorder.startSpan('compile', { 'build.target': 'web' }, command) as Span;
  step.setStatus({ code: SpanStatusCode.ERROR, message: 'compile failed' });
  step.addLink({ context: command.spanContext(), attributes: { why: 'follows' } });
  step.end();
  command.end();
  return ended;
}

const decode = (body: Uint8Array): unknown => JSON.parse(Buffer.from(body).toString('utf8'));

/** The stock serializer's output with int64 values as the OTLP/JSON mapping writes them (decimal strings). */
function withInt64AsStrings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withInt64AsStrings);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, key === 'intValue' ? String(inner) : withInt64AsStrings(inner)]));
}

describe("optel's OTLP/JSON encoder", () => {
  it('writes, for spans made by the stock SDK, exactly what the stock JsonTraceSerializer writes', () => {
    const spans = sdkSpans();
    const stock = JsonTraceSerializer.serializeRequest(spans);
    if (!stock) throw new Error('the stock serializer returned nothing');
    expect(decode(encodeTraceRequest(spans))).toEqual(withInt64AsStrings(decode(stock)));
  });

  it("writes, for optel's own recorded spans, what the stock serializer writes for them", () => {
    const spans = recordedSpans();
    // (The stock serializer reads the same ReadableSpan fields the recorded spans have.)
    const stock = JsonTraceSerializer.serializeRequest(spans as unknown as ReadableSpan[]);
    if (!stock) throw new Error('the stock serializer returned nothing');
    expect(decode(encodeTraceRequest(spans))).toEqual(withInt64AsStrings(decode(stock)));
  });

  it('follows the OTLP/JSON mapping: hex ids, nanoseconds as decimal strings, int64 as strings, enum numbers', () => {
    const request = decode(encodeTraceRequest(recordedSpans())) as { resourceSpans: [{ scopeSpans: [{ scope: unknown; spans: Record<string, unknown>[] }] }] };
    const [group] = request.resourceSpans[0].scopeSpans;
    expect(group.scope).toEqual({ name: 'optel', version: '0.1.0' });
    for (const span of group.spans) {
      expect(span['traceId']).toMatch(/^[0-9a-f]{32}$/);
      expect(span['spanId']).toMatch(/^[0-9a-f]{16}$/);
      expect(span['startTimeUnixNano']).toMatch(/^\d{19}$/);
      expect(span['endTimeUnixNano']).toMatch(/^\d{19}$/);
      expect(span['kind']).toBe(1);
      expect(span['flags']).toBe(0x101);
    }
    const build = group.spans.find((span) => span['name'] === 'build' && span['events'] !== undefined && (span['events'] as unknown[]).length > 0);
    expect(build?.['attributes']).toContainEqual({ key: 'build.count', value: { intValue: '3' } });
    expect(build?.['attributes']).toContainEqual({ key: 'ratio', value: { doubleValue: 0.25 } });
  });

  it("is read back by optel receive's decoder: one trace, a started record, a command, a step with its parent", () => {
    const received = normalizeTraceRequest(decode(encodeTraceRequest(recordedSpans())));
    expect(received.map((span) => span.name).sort()).toEqual(['build', 'build', 'compile']);
    const started = received.find((span) => span.attributes['optel.lifecycle'] === 'started');
    const command = received.find((span) => span.name === 'build' && span !== started);
    const step = received.find((span) => span.name === 'compile');
    expect(new Set(received.map((span) => span.traceId)).size).toBe(1);
    expect(started?.parentSpanId).toBe(command?.spanId);
    expect(step?.parentSpanId).toBe(command?.spanId);
    expect(started?.startTimeUnixNano).toBe(command?.startTimeUnixNano);
    expect(started?.endTimeUnixNano).toBe(started?.startTimeUnixNano);
    expect(command?.attributes['build.count']).toBe(3);
    expect(step?.status).toEqual({ code: 2, message: 'compile failed' });
    expect(command?.events.map((event) => event.name)).toEqual(['cache miss', 'exception']);
  });
});
