/**
 * The scrubbed copy of a span in detail: which keys of events and links
 * count as exception keys, how dropped-attribute counts add up with the
 * SDK's own, what happens to arrays of arguments, and what of the span's
 * identity (parent, links, scope) leaves with it.
 */
import { context, ROOT_CONTEXT, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import type { Attributes, Span } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan, SpanLimits, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { keyedDigest } from '../../src/privacy/hash.js';
import type { PrivacyPolicy } from '../../src/privacy/scrub-span.js';
import { scrubSpan } from '../../src/privacy/scrub-span.js';
import { compileShape, withShapes } from '../../src/privacy/value-shapes.js';

const KEY = Buffer.from('6b'.repeat(32), 'hex');
const POLICY: PrivacyPolicy = {
  catalogue: { 'cli.command': 'clear', 'project.name': 'hash', 'build.args': 'clear', 'build.note': 'clear' },
  hashKey: KEY,
  paths: { home: '/home/jane', userName: 'jane', cwd: '/home/jane/work', appRoot: '/home/jane/work/acme' },
};

interface Recorded {
  readonly spans: ReadableSpan[];
  readonly provider: BasicTracerProvider;
}

function recorder(limits: SpanLimits = {}): Recorded {
  const spans: ReadableSpan[] = [];
  const processor: SpanProcessor = { onStart: () => undefined, onEnd: (span) => spans.push(span), forceFlush: async () => undefined, shutdown: async () => undefined };
  return { spans, provider: new BasicTracerProvider({ spanProcessors: [processor], spanLimits: limits }) };
}

/** One ended span, as the SDK hands it to processors. */
function endedSpan(build: (span: Span) => void, attributes: Attributes = {}, limits: SpanLimits = {}): ReadableSpan {
  const { spans, provider } = recorder(limits);
  const span = provider.getTracer('details').startSpan('build', { attributes });
  build(span);
  span.end();
  const [ended] = spans;
  if (!ended) throw new Error('no span ended');
  return ended;
}

describe('exception keys', () => {
  it('exception.* keys set on the span itself are undeclared keys like any other, and are dropped', () => {
    const copy = scrubSpan(endedSpan(() => undefined, { 'cli.command': 'build', 'exception.message': 'secret text', 'exception.type': 'Error' }), POLICY);
    expect(copy.attributes).toStrictEqual({ 'cli.command': 'build' });
    expect(copy.droppedAttributesCount).toBe(2);
  });

  it('exception.* keys on an ordinary event, or on a link, are dropped too', () => {
    const span = endedSpan((s) => {
      s.addEvent('cache.miss', { 'exception.message': 'secret text', 'cli.command': 'x' });
      s.addLink({ context: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: TraceFlags.SAMPLED }, attributes: { 'exception.message': 'secret text' } });
    });
    const copy = scrubSpan(span, POLICY);
    expect(copy.events[0]?.attributes).toStrictEqual({ 'cli.command': 'x' });
    expect(copy.links[0]?.attributes).toStrictEqual({});
  });

  it('an exception event keeps only its type, message and stack of the keys nobody declared; declared keys keep their treatment', () => {
    const span = endedSpan((s) => {
      s.addEvent('exception', { 'exception.type': 'DeployError', 'exception.message': 'no access for jane@corp.example', 'exception.escaped': 'x', 'project.name': 'acme' });
    });
    const event = scrubSpan(span, POLICY).events[0];
    expect(event?.attributes).toStrictEqual({ 'exception.type': 'DeployError', 'exception.message': 'no access for [redacted:email]', 'project.name': keyedDigest(KEY, 'acme') });
    expect(event?.droppedAttributesCount).toBe(1);
  });

  it('an exception without a frame worth keeping carries no stacktrace key at all', () => {
    const error = new Error('x');
    error.stack = 'Error: x\n    at node:internal/main:1:1';
    const attributes = scrubSpan(endedSpan((s) => s.recordException(error)), POLICY).events[0]?.attributes ?? {};
    expect(Object.keys(attributes).sort()).toEqual(['exception.message', 'exception.type']);
  });

  it('a stack trace given as an array of lines is read line by line', () => {
    const lines = ['Error: x', '    at a (/home/jane/work/acme/a.js:1:2)', '    at b (/home/jane/work/acme/b.js:3:4)'];
    const span = endedSpan((s) => s.addEvent('exception', { 'exception.type': 'Error', 'exception.stacktrace': lines }));
    expect(scrubSpan(span, POLICY).events[0]?.attributes?.['exception.stacktrace']).toBe('    at a (a.js:1:2)\n    at b (b.js:3:4)');
  });
});

describe('dropped-attribute counts', () => {
  it("an event's count adds the SDK's own drops to the undeclared keys dropped here", () => {
    const span = endedSpan((s) => s.addEvent('cache.miss', { 'cache.key': '/home/jane/x', 'cli.command': 'build', 'third.key': 'dropped by the SDK' }), {}, { attributePerEventCountLimit: 2 });
    expect(span.events[0]?.droppedAttributesCount).toBe(1);
    const event = scrubSpan(span, POLICY).events[0];
    expect(event?.attributes).toStrictEqual({ 'cli.command': 'build' });
    expect(event?.droppedAttributesCount).toBe(2);
  });

  it("a link's count does the same; a link that lost nothing gets no count", () => {
    const linked = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: TraceFlags.SAMPLED };
    const span = endedSpan((s) => {
      s.addLink({ context: linked, attributes: { 'link.kind': 'x', 'cli.command': 'y', 'third.key': 'z' } });
      s.addLink({ context: { ...linked, spanId: 'c'.repeat(16) } });
      s.addLink({ context: { ...linked, spanId: 'd'.repeat(16) }, attributes: { 'cli.command': 'z' } });
    }, {}, { attributePerLinkCountLimit: 2 });
    const [counted, bare, clean] = scrubSpan(span, POLICY).links;
    expect(counted?.attributes).toStrictEqual({ 'cli.command': 'y' });
    expect(counted?.droppedAttributesCount).toBe(2);
    expect(bare).toStrictEqual({ context: { ...linked, spanId: 'c'.repeat(16) }, attributes: {} });
    expect(clean).toStrictEqual({ context: { ...linked, spanId: 'd'.repeat(16) }, attributes: { 'cli.command': 'z' } });
  });

  it('an event the SDK reported without drops keeps its count of zero', () => {
    const copy = scrubSpan(endedSpan((s) => s.addEvent('plain', { 'cli.command': 'x' })), POLICY);
    expect(copy.events[0]).toStrictEqual({ name: 'plain', time: expect.anything(), attributes: { 'cli.command': 'x' }, droppedAttributesCount: 0 });
  });
});

describe('arrays of arguments', () => {
  it('a plain first element stays; only the element after a secret flag is hidden', () => {
    const copy = scrubSpan(endedSpan(() => undefined, { 'build.args': ['deploy', '--password', 'hunter2', 'prod'] }), POLICY);
    expect(copy.attributes['build.args']).toEqual(['deploy', '--password', '[redacted:secret]', 'prod']);
  });

  it('every spelling of a secret flag hides the next element', () => {
    for (const flag of ['-password', '--db-password', '--apikey', '--api-key', '--accesskey', '--access-key', '--privatekey', '--private-key']) {
      const copy = scrubSpan(endedSpan(() => undefined, { 'build.args': [flag, 'hunter2'] }), POLICY);
      expect(copy.attributes['build.args'], flag).toEqual([flag, '[redacted:secret]']);
    }
  });

  it('a flag named inside a longer argument does not hide the next one', () => {
    const copy = scrubSpan(endedSpan(() => undefined, { 'build.args': ['see --password', 'README.md'] }), POLICY);
    expect(copy.attributes['build.args']).toEqual(['see --password', 'README.md']);
  });
});

describe('status, parent, links and scope', () => {
  it('an empty status message is left out', () => {
    const copy = scrubSpan(endedSpan((s) => s.setStatus({ code: SpanStatusCode.ERROR, message: '' })), POLICY);
    expect(copy.status).toStrictEqual({ code: SpanStatusCode.ERROR });
  });

  it('a child span keeps its parent, so one invocation stays one trace', () => {
    const { spans, provider } = recorder();
    const tracer = provider.getTracer('details');
    const parent = tracer.startSpan('run');
    tracer.startSpan('build', {}, trace.setSpan(context.active(), parent)).end();
    parent.end();
    const child = spans.find((s) => s.name === 'build');
    if (!child) throw new Error('no child span');
    const copy = scrubSpan(child, POLICY);
    expect(copy.parentSpanContext).toStrictEqual({ traceId: parent.spanContext().traceId, spanId: parent.spanContext().spanId, traceFlags: TraceFlags.SAMPLED });
  });

  it('a remote parent and a remote link say so', () => {
    const remote = { traceId: 'd'.repeat(32), spanId: 'e'.repeat(16), traceFlags: TraceFlags.SAMPLED, isRemote: true };
    const { spans, provider } = recorder();
    provider.getTracer('details').startSpan('build', { links: [{ context: remote }] }, trace.setSpanContext(ROOT_CONTEXT, remote)).end();
    const [span] = spans;
    if (!span) throw new Error('no span');
    const copy = scrubSpan(span, POLICY);
    expect(copy.parentSpanContext).toStrictEqual(remote);
    expect(copy.links[0]?.context).toStrictEqual(remote);
  });

  it("the tracer's name, version and schema URL leave, scrubbed, in one object per tracer", () => {
    const { spans, provider } = recorder();
    const tracer = provider.getTracer('acme /home/jane/work/plugin', '1.2.0', { schemaUrl: 'https://opentelemetry.io/schemas/1.24.0' });
    tracer.startSpan('a').end();
    tracer.startSpan('b').end();
    provider.getTracer('bare').startSpan('c').end();
    const [first, second, bare] = spans.map((span) => scrubSpan(span, POLICY));
    expect(first?.instrumentationScope).toStrictEqual({ name: 'acme [cwd]/plugin', version: '1.2.0', schemaUrl: 'https://opentelemetry.io/schemas/1.24.0' });
    expect(second?.instrumentationScope).toBe(first?.instrumentationScope);
    expect(bare?.instrumentationScope).toStrictEqual({ name: 'bare' });
  });
});

describe('each policy its own catalogue', () => {
  it('a key is treated as each policy declares it, span after span, whichever policy scrubbed it before', () => {
    const problems: string[] = [];
    const noteShape = compileShape('build.note', { values: ['ok'] }, problems);
    const shapes = new Map(noteShape === undefined ? [] : [['build.note', noteShape] as const]);
    const clearing: PrivacyPolicy = { ...POLICY, catalogue: withShapes({ 'project.name': 'clear', 'build.note': 'clear' }, shapes, problems) };
    const dropping: PrivacyPolicy = { ...POLICY, catalogue: { 'cli.command': 'clear' } };
    const span = endedSpan(() => undefined, { 'project.name': 'acme', 'build.note': 'not listed' });
    for (let round = 0; round < 3; round++) {
      expect(scrubSpan(span, POLICY).attributes).toStrictEqual({ 'project.name': keyedDigest(KEY, 'acme'), 'build.note': 'not listed' });
      expect(scrubSpan(span, clearing).attributes).toStrictEqual({ 'project.name': 'acme', 'build.note': '[other]' });
      expect(scrubSpan(span, dropping).attributes).toStrictEqual({});
    }
  });
});
