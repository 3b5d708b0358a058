import { existsSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../../src/diagnostics.js';
import { Journal } from '../../src/pipeline/journal.js';
import { bodyOf, recoverJournals } from '../../src/pipeline/journal-recovery.js';
import { tempDir } from '../support/child.js';

const TRACE = 'a'.repeat(32);

function record(spanId: string, parent: string, name: string, attributes: Record<string, string>): ReadableSpan {
  const context = { traceId: TRACE, spanId, traceFlags: 1 };
  return {
    name,
    kind: 0,
    spanContext: () => context,
    ...(parent === '' ? {} : { parentSpanContext: { traceId: TRACE, spanId: parent, traceFlags: 1 } }),
    startTime: [1_700_000_000, 0],
    endTime: [1_700_000_001, 0],
    status: { code: 0 },
    attributes,
    links: [],
    events: [],
    duration: [1, 0],
    ended: true,
    resource: { attributes: { 'service.name': 'demo' } } as unknown as ReadableSpan['resource'],
    instrumentationScope: { name: 'optel' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

interface Sent {
  resourceSpans: { resource: { attributes: { key: string }[] }; scopeSpans: { spans: { spanId: string; parentSpanId?: string; name: string; attributes: { key: string; value: { stringValue?: string } }[] }[] }[] }[];
}

const spansOf = (body: Uint8Array | undefined) => (JSON.parse(Buffer.from(body ?? new Uint8Array()).toString()) as Sent).resourceSpans[0]?.scopeSpans[0]?.spans ?? [];
const attribute = (span: { attributes: { key: string; value: { stringValue?: string } }[] } | undefined, key: string) => span?.attributes.find((a) => a.key === key)?.value.stringValue;
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('the journal and its recovery', () => {
  it('a process that died: unacknowledged records come back, acknowledged ones do not, and a command cut short is completed as aborted', async () => {
    const dir = tempDir();
    const journal = new Journal(dir, new Diagnostics('test', false));
    // Command "run" (id 1111…) started; command "build" (2222…) started and completed; "build"'s records were delivered.
    const runStarted = record('0000000000000001', '1111111111111111', 'run', { 'optel.lifecycle': 'started', 'cli.command': 'run' });
    journal.expectStarted(runStarted, undefined);
    journal.record(runStarted);
    const buildStarted = record('0000000000000002', '2222222222222222', 'build', { 'optel.lifecycle': 'started' });
    journal.expectStarted(buildStarted, '1111111111111111');
    const buildCompleted = record('2222222222222222', '1111111111111111', 'build', { 'optel.lifecycle': 'completed', 'optel.outcome': 'success' });
    journal.record(buildStarted);
    journal.record(buildCompleted);
    journal.settled([buildStarted, buildCompleted]);
    await settle();
    const [name] = readdirSync(dir);
    // As if its process were gone: a pid no process has.
    renameSync(join(dir, name ?? ''), join(dir, `999999999-${name ?? ''}`));
    const kept: Uint8Array[] = [];
    expect(recoverJournals(dir, (body) => kept.push(body) > 0, new Diagnostics('test', false))).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
    const spans = spansOf(kept[0]);
    expect(spans.map((span) => [span.name, attribute(span, 'optel.lifecycle'), attribute(span, 'optel.outcome') ?? null])).toEqual([
      ['run', 'started', null],
      ['run', 'completed', 'aborted'],
    ]);
    expect(spans[1]).toMatchObject({ spanId: '1111111111111111' });
    expect(spans[1]?.parentSpanId).toBeUndefined();
    expect(attribute(spans[1], 'cli.command')).toBe('run');
  });

  it('a step that began and never ended comes back as aborted; one that ended does not', async () => {
    const dir = tempDir();
    const journal = new Journal(dir, new Diagnostics('test', false));
    const started = record('0000000000000005', '3333333333333333', 'serve', { 'optel.lifecycle': 'started' });
    journal.expectStarted(started, undefined);
    journal.record(started);
    const running = record('4444444444444444', '3333333333333333', 'wait', { 'step.kind': 'wait' });
    const done = record('5555555555555555', '3333333333333333', 'request', {});
    journal.opened(running);
    journal.opened(done);
    journal.record({ ...done, attributes: { 'optel.outcome': 'success' } });
    journal.settled([started, done]);
    await settle();
    const [name] = readdirSync(dir);
    renameSync(join(dir, name ?? ''), join(dir, `999999999-${name ?? ''}`));
    const kept: Uint8Array[] = [];
    recoverJournals(dir, (body) => kept.push(body) > 0, new Diagnostics('test', false));
    const spans = spansOf(kept[0]);
    expect(spans.map((span) => [span.name, attribute(span, 'optel.outcome') ?? null])).toEqual([
      ['serve', 'aborted'],
      ['wait', 'aborted'],
    ]);
    expect(attribute(spans[1], 'step.kind')).toBe('wait');
  });

  it('leaves the journal of a process still running, and its own', async () => {
    const dir = tempDir();
    const journal = new Journal(dir, new Diagnostics('test', false));
    journal.record(record('0000000000000003', '', 'x', {}));
    await settle();
    expect(recoverJournals(dir, () => true, new Diagnostics('test', false))).toBe(0);
    const [name] = readdirSync(dir);
    renameSync(join(dir, name ?? ''), join(dir, `1-${name ?? ''}`)); // pid 1 runs (init)
    expect(recoverJournals(dir, () => true, new Diagnostics('test', false))).toBe(0);
    expect(readdirSync(dir)).toHaveLength(1);
  });

  it('discard deletes the journal, and the directory it made: a process that ended normally leaves nothing', async () => {
    const dir = join(tempDir(), 'telemetry-pending');
    const journal = new Journal(dir, new Diagnostics('test', false));
    journal.record(record('0000000000000004', '', 'x', {}));
    expect(readdirSync(dir)).toHaveLength(1);
    journal.discard();
    await settle();
    expect(existsSync(dir)).toBe(false);
  });

  it('a journal that keeps more than 1 MiB (the collector down) is started afresh once, not again at every record, and keeps every record', async () => {
    const dir = tempDir();
    const journal = new Journal(dir, new Diagnostics('test', false));
    const value = 'v'.repeat(1000);
    const id = (i: number) => i.toString(16).padStart(16, '0');
    // About 1.1 MiB of records nobody acknowledges: past the first rotation, which keeps them all.
    for (let i = 1; i <= 1100; i++) journal.record(record(id(i), '', 'x', { value }));
    await settle();
    const afterRotation = readdirSync(dir);
    expect(afterRotation).toHaveLength(1);
    for (let i = 1101; i <= 1110; i++) journal.record(record(id(i), '', 'x', { value }));
    await settle();
    expect(readdirSync(dir)).toEqual(afterRotation);
    const [name] = afterRotation;
    renameSync(join(dir, name ?? ''), join(dir, `999999999-${name ?? ''}`));
    const kept: Uint8Array[] = [];
    expect(recoverJournals(dir, (body) => kept.push(body) > 0, new Diagnostics('test', false))).toBe(1);
    expect(spansOf(kept[0]).map((span) => span.spanId)).toEqual(Array.from({ length: 1110 }, (_, i) => id(i + 1)));
  });

  it('a line cut short by the process dying mid-write is skipped; nothing left to send gives no body', () => {
    const header = JSON.stringify({ h: { resource: {}, scope: { name: 'optel' } } });
    const cut = '{"r":{"t":"aaaa';
    expect(bodyOf(`${header}\n${cut}`, [1, 0])).toBeUndefined();
  });
});
