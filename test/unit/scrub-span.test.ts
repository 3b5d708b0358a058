import { createHash } from 'node:crypto';
import { SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import type { Attributes, AttributeValue, Span } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyedDigest } from '../../src/privacy/hash.js';
import type { PrivacyPolicy } from '../../src/privacy/scrub-span.js';
import { scrubSpan } from '../../src/privacy/scrub-span.js';
import { Diagnostics } from '../../src/diagnostics.js';
import type { RecordedSpan } from '../../src/lifecycle/recorded-span.js';
import { Recorder } from '../../src/lifecycle/recorder.js';
import { plainResource } from '../../src/privacy/resource.js';
import { hostileCorpus } from '../support/hostile.js';

const KEY = Buffer.from('5a'.repeat(32), 'hex');
const POLICY: PrivacyPolicy = {
  catalogue: { 'cli.command': 'clear', 'project.name': 'hash', 'project.tags': 'hash', 'build.count': 'clear', 'build.note': 'clear', 'build.args': 'clear' },
  hashKey: KEY,
  paths: { home: '/home/jane', userName: 'jane', cwd: '/home/jane/work', appRoot: '/home/jane/work/acme' },
};

/** Ends one real span made by a real tracer provider and returns it as the SDK hands it to processors. */
function endedSpan(build: (span: Span) => void, attributes: Attributes = {}, resource?: Resource, name = 'build'): ReadableSpan {
  const ended: ReadableSpan[] = [];
  const recorder: SpanProcessor = { onStart: () => undefined, onEnd: (span) => ended.push(span), forceFlush: async () => undefined, shutdown: async () => undefined };
  const provider = new BasicTracerProvider({ spanProcessors: [recorder], ...(resource ? { resource } : {}) });
  const span = provider.getTracer('scrub-test').startSpan(name, { attributes });
  build(span);
  span.end();
  const [finished] = ended;
  if (!finished) throw new Error('the processor got no span');
  return finished;
}

describe('scrubSpan: the catalogue', () => {
  it('keeps declared clear keys as they are when they hold nothing to scrub', () => {
    const copy = scrubSpan(endedSpan(() => undefined, { 'cli.command': 'build', 'build.count': 3 }), POLICY);
    expect(copy.attributes).toEqual({ 'cli.command': 'build', 'build.count': 3 });
  });

  it('drops every undeclared key and counts them in droppedAttributesCount, never naming them', () => {
    const span = endedSpan(() => undefined, {
      'cli.command': 'build',
      'user.email': 'jane@corp.example',
      'file.path': '/home/jane/secret-project',
      'http.url': 'https://x.example/?token=abc',
    });
    const copy = scrubSpan(span, POLICY);
    expect(copy.attributes).toEqual({ 'cli.command': 'build' });
    expect(copy.droppedAttributesCount).toBe(span.droppedAttributesCount + 3);
    expect(JSON.stringify(copy.attributes)).not.toMatch(/user\.email|file\.path|http\.url/);
  });

  it("keeps optel's own lifecycle keys without a declaration", () => {
    const attributes = { 'optel.lifecycle': 'completed', 'optel.outcome': 'failure', 'process.exit.code': 3, 'error.type': 'DeployError' };
    expect(scrubSpan(endedSpan(() => undefined, attributes), POLICY).attributes).toEqual(attributes);
  });
});

describe('scrubSpan: hashing', () => {
  it('replaces the values of hash keys with their keyed digest', () => {
    const copy = scrubSpan(endedSpan(() => undefined, { 'project.name': 'acme' }), POLICY);
    expect(copy.attributes['project.name']).toBe(keyedDigest(KEY, 'acme'));
    expect(JSON.stringify(copy.attributes)).not.toContain('acme');
  });

  it('hashes arrays element by element, normalizing each value first', () => {
    const copy = scrubSpan(endedSpan(() => undefined, { 'project.tags': ['alpha', ' beta', 'alpha'] }), POLICY);
    const alpha = keyedDigest(KEY, 'alpha');
    expect(copy.attributes['project.tags']).toEqual([alpha, keyedDigest(KEY, 'beta'), alpha]);
  });

  it('uses plain sha256 or md5 (untruncated) when the app opted into them', () => {
    const span = endedSpan(() => undefined, { 'project.name': ' acme ' });
    const sha256 = scrubSpan(span, { ...POLICY, hashAlgorithm: 'sha256' }).attributes['project.name'];
    const md5 = scrubSpan(span, { ...POLICY, hashAlgorithm: 'md5' }).attributes['project.name'];
    expect(sha256).toBe(createHash('sha256').update('acme').digest('hex'));
    expect(md5).toBe(createHash('md5').update('acme').digest('hex'));
  });

  it('gives the same output for the same span, policy and key, and different digests for another key', () => {
    const span = endedSpan(() => undefined, { 'project.name': 'acme', 'cli.command': 'x' });
    expect(scrubSpan(span, POLICY).attributes).toEqual(scrubSpan(span, POLICY).attributes);
    const other = scrubSpan(span, { ...POLICY, hashKey: Buffer.from('a5'.repeat(32), 'hex') });
    expect(other.attributes['project.name']).not.toBe(scrubSpan(span, POLICY).attributes['project.name']);
  });
});

describe('scrubSpan: values that leave in clear', () => {
  const corpus = hostileCorpus();

  it('scrubs declared clear values, arrays of them, and card numbers given as numbers', () => {
    const span = endedSpan(() => undefined, {
      'build.note': `token ${corpus['github']?.value ?? ''} for jane@corp.example in /home/jane/work/acme`,
      'build.args': ['--password', 'hunter2', `--token=${corpus['npm']?.value ?? ''}`, '/home/jane/.npmrc'],
      'build.count': 4111111111111111,
    });
    const { attributes } = scrubSpan(span, POLICY);
    expect(attributes['build.note']).toBe('token [redacted:github-token] for [redacted:email] in [cwd]/acme');
    expect(attributes['build.args']).toEqual(['--password', '[redacted:secret]', '--token=[redacted:npm-token]', '~/.npmrc']);
    expect(attributes['build.count']).toBe('[redacted:card]');
  });

  it('scrubs the span name, event names and the status message, keeping them readable', () => {
    const span = endedSpan(
      (s) => {
        s.addEvent(`cache miss for jane@corp.example`, { 'cli.command': 'x' });
        s.setStatus({ code: SpanStatusCode.ERROR, message: 'failed to read /home/jane/work/acme/secret.json' });
      },
      {},
      undefined,
      `deploy ${corpus['stripe']?.value ?? ''}`,
    );
    const copy = scrubSpan(span, POLICY);
    expect(copy.name).toBe('deploy [redacted:stripe-key]');
    expect(copy.events[0]?.name).toBe('cache miss for [redacted:email]');
    expect(copy.status).toEqual({ code: SpanStatusCode.ERROR, message: 'failed to read [cwd]/acme/secret.json' });
  });

  it('filters and scrubs the attributes of events and links, and drops trace state', () => {
    const linked = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: TraceFlags.SAMPLED, traceState: new TraceState('vendor=jane@corp.example') };
    const span = endedSpan((s) => {
      s.addEvent('cache.miss', { 'cli.command': 'build', 'project.name': 'acme', 'cache.key': '/home/jane/x' });
      s.addLink({ context: linked, attributes: { 'build.note': 'ip 203.0.113.7', 'link.secret': 'x' } });
    });
    const copy = scrubSpan(span, POLICY);
    expect(copy.events[0]?.attributes).toEqual({ 'cli.command': 'build', 'project.name': keyedDigest(KEY, 'acme') });
    expect(copy.events[0]?.droppedAttributesCount).toBe(1);
    expect(copy.links[0]?.attributes).toEqual({ 'build.note': 'ip [redacted:ip]' });
    expect(copy.links[0]?.droppedAttributesCount).toBe(1);
    expect(copy.links[0]?.context).toEqual({ traceId: linked.traceId, spanId: linked.spanId, traceFlags: TraceFlags.SAMPLED });
    expect(copy.spanContext().traceState).toBeUndefined();
  });
});

describe('scrubSpan: exceptions', () => {
  it('keeps the type, scrubs the message and keeps the stack only as relative frames', () => {
    const error = new TypeError('cannot read /home/jane/.aws/credentials for jane@corp.example');
    error.stack = [
      'TypeError: cannot read /home/jane/.aws/credentials for jane@corp.example',
      '    at load (/home/jane/work/acme/dist/load.js:3:7)',
      '    at run (/home/jane/work/acme/node_modules/commander/lib/command.js:9:1)',
      '    at elsewhere (/opt/tools/x.js:1:1)',
    ].join('\n');
    const copy = scrubSpan(endedSpan((s) => s.recordException(error)), POLICY);
    expect(copy.events).toHaveLength(1);
    expect(copy.events[0]?.name).toBe('exception');
    expect(copy.events[0]?.attributes).toEqual({
      'exception.type': 'TypeError',
      'exception.message': 'cannot read ~/.aws/credentials for [redacted:email]',
      'exception.stacktrace': '    at load (dist/load.js:3:7)\n    at run (node_modules/commander/lib/command.js:9:1)',
    });
    expect(JSON.stringify(copy.events)).not.toContain('/home/jane');
  });

  it('leaves out a stack with no frame worth keeping', () => {
    const error = new Error('x');
    error.stack = 'Error: x\n    at node:internal/main:1:1';
    expect(scrubSpan(endedSpan((s) => s.recordException(error)), POLICY).events[0]?.attributes).toEqual({ 'exception.type': 'Error', 'exception.message': 'x' });
  });
});

describe('scrubSpan: the resource', () => {
  const appResource = resourceFromAttributes({
    'service.name': 'acme',
    'service.instance.id': 'jane-laptop',
    'service.namespace': 'jane@corp.example',
    'telemetry.sdk.name': 'opentelemetry',
    'host.name': 'jane-laptop',
    'host.id': 'f00dfeedf00dfeedf00dfeedf00dfeed',
    'host.arch': 'amd64',
    'os.type': 'linux',
    'process.owner': 'jane',
    'process.command_args': ['node', '/home/jane/acme/cli.js', '--token', 'x'],
    'process.executable.path': '/home/jane/.nvm/node',
    'process.pid': 42,
    'process.runtime.name': 'nodejs',
    'optel.install.id': '6f1c1a7e-3b1d-4c8e-9a0b-2f3e4d5c6b7a',
    'optel.project.id': '0123456789abcdef0123456789abcdef',
    'deployment.environment.name': 'production',
  });

  it('keeps only non-identifying keys, scrubbing their values, and applies the overrides', () => {
    const copy = scrubSpan(endedSpan(() => undefined, {}, appResource), { ...POLICY, resourceOverrides: { 'service.name': 'acme-cli', 'service.version': '1.2.0' } });
    expect(copy.resource.attributes).toEqual({
      'service.name': 'acme-cli',
      'service.version': '1.2.0',
      'service.namespace': '[redacted:email]',
      'telemetry.sdk.name': 'opentelemetry',
      'host.arch': 'amd64',
      'os.type': 'linux',
      'process.runtime.name': 'nodejs',
      'optel.install.id': '6f1c1a7e-3b1d-4c8e-9a0b-2f3e4d5c6b7a',
      'optel.project.id': '0123456789abcdef0123456789abcdef',
      'deployment.environment.name': 'production',
    });
  });

  it('is one object per source resource, so exporters can group spans by it', () => {
    const first = scrubSpan(endedSpan(() => undefined, {}, appResource), POLICY);
    const second = scrubSpan(endedSpan(() => undefined, {}, appResource), POLICY);
    expect(first.resource).toBe(second.resource);
    expect(first.resource).not.toBe(appResource);
    expect(first.resource.getRawAttributes()).toEqual(Object.entries(first.resource.attributes));
  });

  it('follows a resource whose detectors are still running, and settles with it', async () => {
    let settle: (value: string) => void = () => undefined;
    const pending = resourceFromAttributes({ 'service.name': 'acme', 'host.name': new Promise<AttributeValue>((resolve) => (settle = resolve)), 'os.version': new Promise<AttributeValue>((resolve) => setTimeout(() => resolve('6.1'), 1)) });
    const copy = scrubSpan(endedSpan(() => undefined, {}, pending), POLICY);
    expect(copy.resource.asyncAttributesPending).toBe(true);
    settle('jane-laptop');
    await copy.resource.waitForAsyncAttributes?.();
    expect(copy.resource.asyncAttributesPending).toBe(false);
    expect(copy.resource.attributes).toEqual({ 'service.name': 'acme', 'os.version': '6.1' });
  });
});

describe('scrubSpan: the live span', () => {
  it('is never changed, since other processors may still hold it', () => {
    const span = endedSpan(
      (s) => {
        s.recordException(new Error('secret message /home/jane'));
        s.setStatus({ code: SpanStatusCode.ERROR, message: 'status secret jane@corp.example' });
      },
      { 'cli.command': 'build', 'project.name': 'acme', 'user.email': 'jane@corp.example', 'project.tags': ['a', 'b'], 'build.note': 'jane@corp.example' },
    );
    const before = {
      name: span.name,
      attributes: structuredClone(span.attributes),
      events: structuredClone(span.events),
      status: structuredClone(span.status),
      dropped: span.droppedAttributesCount,
      resource: structuredClone(span.resource.attributes),
    };
    scrubSpan(span, POLICY);
    expect(span.name).toBe(before.name);
    expect(span.attributes).toEqual(before.attributes);
    expect(span.events).toEqual(before.events);
    expect(span.status).toEqual(before.status);
    expect(span.droppedAttributesCount).toBe(before.dropped);
    expect(span.resource.attributes).toEqual(before.resource);
  });

  it('keeps identity and timing: ids, parent, kind, times', () => {
    const span = endedSpan(() => undefined, { 'cli.command': 'build' });
    const copy = scrubSpan(span, POLICY);
    expect(copy.name).toBe(span.name);
    expect(copy.kind).toBe(span.kind);
    expect(copy.spanContext()).toEqual(span.spanContext());
    expect(copy.startTime).toEqual(span.startTime);
    expect(copy.endTime).toEqual(span.endTime);
    expect(copy.duration).toEqual(span.duration);
  });
});

describe('scrubSpan: fuzzed keys and values', () => {
  const value = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.array(fc.oneof(fc.string({ maxLength: 40 }), fc.constant(null)), { maxLength: 5 }),
    fc.array(fc.double(), { maxLength: 5 }),
  );
  const attributes = fc.dictionary(fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.constantFrom('cli.command', 'project.name', 'project.tags', 'build.note', 'optel.outcome', '__proto__', 'constructor')), value, { maxKeys: 12 });

  it('never throws, and only declared or optel keys come out', () => {
    fc.assert(
      fc.property(attributes, attributes, fc.string({ unit: 'binary', maxLength: 200 }), (own, eventAttributes, name) => {
        const span = endedSpan((s) => s.addEvent(name, eventAttributes as Attributes), own as Attributes, undefined, name);
        const copy = scrubSpan(span, POLICY);
        const allowed = new Set([...Object.keys(POLICY.catalogue), 'optel.lifecycle', 'optel.outcome', 'process.exit.code', 'error.type']);
        for (const key of Object.keys(copy.attributes)) expect(allowed.has(key), key).toBe(true);
        for (const key of Object.keys(copy.events[0]?.attributes ?? {})) expect(allowed.has(key), key).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe("scrubSpan on a command's started record, as the recorder makes it", () => {
  /** A command as optel records it, and the started record the recorder handed on for it. */
  function recordedCommand(attributes: Attributes, name = 'build'): { readonly command: RecordedSpan; readonly started: RecordedSpan; readonly ended: RecordedSpan[] } {
    const ended: RecordedSpan[] = [];
    const recorder = new Recorder({ isEnabled: () => true }, new Diagnostics('test', false), '0.1.0');
    recorder.connect((span) => ended.push(span), plainResource(() => ({ 'service.name': 'demo' })));
    const command = recorder.startSpan(name, attributes, undefined);
    if (!command) throw new Error('the recorder recorded nothing');
    recorder.recordStarted(command);
    const [started] = ended;
    if (!started) throw new Error('the recorder handed on no started record');
    return { command, started, ended };
  }

  it('is a zero-length child of the command with its scrubbed name and attributes and optel.lifecycle: started', () => {
    const { command, started } = recordedCommand({ 'cli.command': 'build', 'project.name': 'acme', 'user.email': 'jane@corp.example' }, 'build /home/jane/work/acme');
    const record = scrubSpan(started, POLICY);
    expect(record.name).not.toContain('jane');
    expect(record.attributes).toEqual({ 'cli.command': 'build', 'project.name': keyedDigest(KEY, 'acme'), 'optel.lifecycle': 'started' });
    expect(record.droppedAttributesCount).toBe(1);
    expect(record.spanContext().traceId).toBe(command.spanContext().traceId);
    expect(record.spanContext().spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(record.spanContext().spanId).not.toBe(command.spanContext().spanId);
    expect(record.parentSpanContext).toEqual(command.spanContext());
    expect(record.startTime).toEqual(command.startTime);
    expect(record.endTime).toEqual(command.startTime);
    expect(record.duration).toEqual([0, 0]);
    expect(record.ended).toBe(true);
    expect(record.status).toEqual({ code: SpanStatusCode.UNSET });
    expect(record.events).toEqual([]);
    expect(record.links).toEqual([]);
  });

  it('leaves the command as it was, and the command then ends with its own copy as usual', () => {
    const { command, ended } = recordedCommand({ 'cli.command': 'build' });
    expect(command.attributes).toEqual({ 'cli.command': 'build' });
    expect(command.ended).toBe(false);
    command.setAttribute('optel.lifecycle', 'completed');
    command.end();
    expect(ended).toHaveLength(2);
    expect(scrubSpan(ended[1] as RecordedSpan, POLICY).attributes).toEqual({ 'cli.command': 'build', 'optel.lifecycle': 'completed' });
  });

  it('shares the scrubbed resource and scope with the copies of the other spans of the recorder', () => {
    const { command, started, ended } = recordedCommand({ 'cli.command': 'build' });
    const record = scrubSpan(started, POLICY);
    command.end();
    const copy = scrubSpan(ended[1] as RecordedSpan, POLICY);
    expect(record.resource).toBe(copy.resource);
    expect(record.instrumentationScope).toBe(copy.instrumentationScope);
  });

  it('drops an undeclared exception.* attribute of the command like any other key', () => {
    const { started } = recordedCommand({ 'cli.command': 'build', 'exception.message': 'token=abc at /home/jane' });
    const record = scrubSpan(started, POLICY);
    expect(record.attributes).toStrictEqual({ 'cli.command': 'build', 'optel.lifecycle': 'started' });
    expect(record.droppedAttributesCount).toBe(1);
  });
});

describe('scrubSpan: spans not made by the SDK (another SDK, a hand-built record)', () => {
  /** A real ended span with some parts replaced, as a plain object. */
  function handMade(overrides: Partial<ReadableSpan>): ReadableSpan {
    const real = endedSpan(() => undefined);
    return {
      name: real.name,
      kind: real.kind,
      spanContext: () => real.spanContext(),
      startTime: real.startTime,
      endTime: real.endTime,
      status: real.status,
      attributes: real.attributes,
      links: real.links,
      events: real.events,
      duration: real.duration,
      ended: real.ended,
      resource: real.resource,
      instrumentationScope: real.instrumentationScope,
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
      ...overrides,
    };
  }

  it('leaves out null and undefined attribute values without counting them as dropped', () => {
    const copy = scrubSpan(handMade({ attributes: { 'cli.command': 'build', 'build.note': null as unknown as string, 'build.count': undefined } }), POLICY);
    expect(copy.attributes).toStrictEqual({ 'cli.command': 'build' });
    expect(copy.droppedAttributesCount).toBe(0);
  });

  it('an event or link that carried no drop count gets one only when something was dropped', () => {
    const time: [number, number] = [1, 0];
    const linked = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: TraceFlags.SAMPLED };
    const copy = scrubSpan(
      handMade({
        events: [
          { name: 'clean', time, attributes: { 'cli.command': 'x' } },
          { name: 'dropping', time, attributes: { 'cli.command': 'x', 'user.email': 'jane@corp.example' } },
        ],
        links: [
          { context: linked, attributes: { 'cli.command': 'x' } },
          { context: linked, attributes: { 'user.email': 'jane@corp.example' } },
          { context: linked, attributes: {}, droppedAttributesCount: 0 },
        ],
      }),
      POLICY,
    );
    expect(copy.events[0]).toStrictEqual({ name: 'clean', time, attributes: { 'cli.command': 'x' } });
    expect(copy.events[1]).toStrictEqual({ name: 'dropping', time, attributes: { 'cli.command': 'x' }, droppedAttributesCount: 1 });
    expect(copy.links[0]).toStrictEqual({ context: linked, attributes: { 'cli.command': 'x' } });
    expect(copy.links[1]).toStrictEqual({ context: linked, attributes: {}, droppedAttributesCount: 1 });
    expect(copy.links[2]).toStrictEqual({ context: linked, attributes: {}, droppedAttributesCount: 0 });
  });

  it('a root span has no parent in its copy, not even an empty one', () => {
    const copy = scrubSpan(endedSpan(() => undefined), POLICY);
    expect('parentSpanContext' in copy).toBe(false);
  });

  it('a number and its text hash alike (the digest is of the value as text)', () => {
    // (A mixed array only comes from outside the SDK, which refuses one.)
    const copy = scrubSpan(handMade({ attributes: { 'project.name': 1234, 'project.tags': ['1234', 1234, true, 'true'] as unknown as string[] } }), POLICY);
    expect(copy.attributes['project.name']).toBe(keyedDigest(KEY, '1234'));
    expect(copy.attributes['project.tags']).toStrictEqual([keyedDigest(KEY, '1234'), keyedDigest(KEY, '1234'), keyedDigest(KEY, 'true'), keyedDigest(KEY, 'true')]);
  });
});
