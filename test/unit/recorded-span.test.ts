/**
 * `cmd.span` is optel's own implementation of the OpenTelemetry API's
 * `Span`: what an app may do with it, as it would with the SDK's span.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../../src/diagnostics.js';
import type { RecordedSpan } from '../../src/lifecycle/recorded-span.js';
import { Recorder } from '../../src/lifecycle/recorder.js';
import { ATTRIBUTE_COUNT_LIMIT } from '../../src/lifecycle/reserved-keys.js';
import { plainResource } from '../../src/privacy/resource.js';

function recorder(enabled = true): { readonly recorder: Recorder; readonly ended: RecordedSpan[] } {
  const ended: RecordedSpan[] = [];
  const made = new Recorder({ isEnabled: () => enabled }, new Diagnostics('test', false), '0.1.0');
  made.connect((span) => ended.push(span), plainResource(() => ({ 'service.name': 'demo' })));
  return { recorder: made, ended };
}

function started(name = 'build'): { readonly span: RecordedSpan; readonly ended: RecordedSpan[] } {
  const { recorder: made, ended } = recorder();
  const span = made.startSpan(name, { 'cli.command': name }, undefined);
  if (!span) throw new Error('nothing recorded');
  return { span, ended };
}

describe('a recorded span, as an app uses cmd.span', () => {
  it('keeps attributes set by the app, replaces a value set twice, and ignores values the API does not allow', () => {
    const { span } = started();
    const api: Span = span;
    api.setAttribute('build.count', 1).setAttribute('build.count', 2).setAttributes({ 'build.tags': ['a', 'b'], ok: true });
    api.setAttribute('bad.object', { nested: 1 } as never);
    api.setAttribute('bad.mixed', ['a', 1] as never);
    api.setAttribute('bad.undefined', undefined as never);
    expect(span.attributes).toEqual({ 'cli.command': 'build', 'build.count': 2, 'build.tags': ['a', 'b'], ok: true });
  });

  it('holds at most 128 attributes plus room for optel\'s own, counting the ones it drops, and cuts values to 4096 characters', () => {
    const { span } = started();
    for (let i = 0; i < 200; i++) span.setAttribute(`key.${i}`, i);
    span.setAttribute('cli.command', 'x'.repeat(10_000));
    expect(Object.keys(span.attributes)).toHaveLength(ATTRIBUTE_COUNT_LIMIT);
    expect(span.droppedAttributesCount).toBe(201 - ATTRIBUTE_COUNT_LIMIT);
    expect(String(span.attributes['cli.command'])).toHaveLength(4096);
  });

  it('makes room for optel\'s own keys only when the span is full, dropping the app\'s most recent keys, no more than needed', () => {
    const { span } = started();
    span.makeRoomFor(['optel.lifecycle', 'optel.outcome']);
    expect(span.droppedAttributesCount).toBe(0);
    for (let i = 0; span.droppedAttributesCount === 0; i++) span.setAttribute(`key.${i}`, i);
    const before = Object.keys(span.attributes);
    expect(before).toHaveLength(ATTRIBUTE_COUNT_LIMIT);
    span.makeRoomFor(['optel.lifecycle', 'cli.command']);
    expect(Object.keys(span.attributes)).toEqual(before.slice(0, -1));
    expect(span.droppedAttributesCount).toBe(2);
  });

  it('a command\'s started record holds its attributes as they were at its start, whatever the command sets later', () => {
    const { recorder: made, ended } = recorder();
    const command = made.startSpan('build', { 'cli.command': 'build', 'build.tags': ['a', 'b'] }, undefined);
    if (!command) throw new Error('nothing recorded');
    made.recordStarted(command);
    command.setAttribute('cli.command', 'changed').setAttribute('build.late', 1);
    const [record] = ended;
    expect(record?.attributes).toEqual({ 'cli.command': 'build', 'build.tags': ['a', 'b'], 'optel.lifecycle': 'started' });
    expect(record?.parentSpan).toBe(command);
    expect(record?.startTime).toEqual(command.startTime);
    expect(record?.droppedAttributesCount).toBe(0);
  });

  it('records an exception as the SDK does (type, message, stack), for the scrubber to reduce', () => {
    const { span } = started();
    span.recordException(new RangeError('late failure'));
    span.recordException('plain text');
    expect(span.events.map((event) => event.name)).toEqual(['exception', 'exception']);
    expect(span.events[0]?.attributes).toMatchObject({ 'exception.type': 'RangeError', 'exception.message': 'late failure' });
    expect(String(span.events[0]?.attributes?.['exception.stacktrace'])).toContain('RangeError');
    expect(span.events[1]?.attributes).toEqual({ 'exception.message': 'plain text' });
  });

  it('follows the API on status: OK is final, UNSET never overrides', () => {
    const { span } = started();
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
    span.setStatus({ code: SpanStatusCode.UNSET });
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'boom' });
    span.setStatus({ code: SpanStatusCode.OK });
    span.setStatus({ code: SpanStatusCode.ERROR });
    expect(span.status).toEqual({ code: SpanStatusCode.OK });
  });

  it('ends once: later ends and updates change nothing, and the span is handed on once', () => {
    const { span, ended } = started();
    expect(span.isRecording()).toBe(true);
    span.end();
    const endTime = span.endTime;
    span.end();
    span.setAttribute('late', 1);
    span.updateName('renamed');
    expect(span.isRecording()).toBe(false);
    expect(span.ended).toBe(true);
    expect(span.endTime).toBe(endTime);
    expect(span.attributes).not.toHaveProperty('late');
    expect(span.name).toBe('build');
    expect(ended).toEqual([span]);
  });

  it('has valid ids, drawn when first read, shared with its children as the trace id', () => {
    const { recorder: made } = recorder();
    const parent = made.startSpan('build', {}, undefined);
    const child = parent && made.startSpan('compile', {}, parent);
    expect(parent?.spanContext()).toEqual({ traceId: expect.stringMatching(/^[0-9a-f]{32}$/), spanId: expect.stringMatching(/^[0-9a-f]{16}$/), traceFlags: 1 });
    expect(parent?.spanContext()).toBe(parent?.spanContext());
    expect(child?.spanContext().traceId).toBe(parent?.spanContext().traceId);
    expect(child?.spanContext().spanId).not.toBe(parent?.spanContext().spanId);
    expect(child?.parentSpanContext).toEqual(parent?.spanContext());
  });

  it('is not recorded at all while consent is not given', () => {
    const { recorder: made, ended } = recorder(false);
    expect(made.startSpan('build', {}, undefined)).toBeUndefined();
    expect(ended).toEqual([]);
  });

  it('waits, in order, for the pipeline to connect, and keeps at most 2048 records meanwhile', () => {
    const waiting = new Recorder({ isEnabled: () => true }, new Diagnostics('test', false), '0.1.0');
    for (let i = 0; i < 2100; i++) waiting.startSpan(`c${i}`, {}, undefined)?.end();
    expect(waiting.waiting).toBe(2048);
    expect(waiting.dropped).toBe(52);
    const handed: string[] = [];
    waiting.connect((span) => handed.push(span.name), plainResource(() => ({})));
    expect(handed).toHaveLength(2048);
    expect(handed.slice(0, 3)).toEqual(['c0', 'c1', 'c2']);
  });
});
