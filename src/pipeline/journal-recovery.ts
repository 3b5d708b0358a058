import { lstatSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AttributeValue, HrTime } from '@opentelemetry/api';
import type { Diagnostics } from '../diagnostics.js';
import { isRealDirectory, readFileSafely } from '../files/safe-read.js';
import type { JournalLine, JournalRecord } from './journal.js';
import { JOURNAL_SUFFIX } from './journal.js';

/** A journal is rotated 1 MiB past what it keeps (at most the queue's records); anything this big is not ours. */
const MAX_JOURNAL_BYTES = 16 * 1024 * 1024;
/** A journal whose process still runs is left alone, unless it is this old (its pid was reused). */
const ABANDONED_MS = 24 * 60 * 60 * 1000;

/**
 * Turns the journals of processes that died without ending normally (a
 * signal, SIGKILL, a crash of Node itself) into pending records, which the
 * spool sends (re-scrubbed) like any other: every record the process never
 * saw acknowledged, and for each command that started and never completed,
 * a completed record with `optel.outcome=aborted`, ending when the journal
 * was last written; the same for each step that began and never ended. Synchronous, small, and never throws. Returns how many
 * journals were recovered.
 */
export function recoverJournals(dir: string, keep: (body: Uint8Array) => boolean, diagnostics: Diagnostics): number {
  if (!isRealDirectory(dir)) return 0;
  let recovered = 0;
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith(JOURNAL_SUFFIX));
  } catch {
    return 0;
  }
  for (const name of names) {
    const path = join(dir, name);
    const pid = Number(name.split('-')[0]);
    try {
      if (pid === process.pid) continue;
      const stats = lstatSync(path);
      if (isRunning(pid) && Date.now() - stats.mtimeMs < ABANDONED_MS) continue;
      const claimed = `${path}.recovering-${process.pid}`;
      renameSync(path, claimed);
      try {
        const read = readFileSafely(claimed, { maxBytes: MAX_JOURNAL_BYTES });
        if (read.kind !== 'ok') {
          if (read.kind === 'refused') diagnostics.report(`dropped journal ${name}: ${read.reason}`);
          continue;
        }
        const body = bodyOf(read.bytes.toString('utf8'), toHrTime(stats.mtimeMs));
        if (body !== undefined && keep(body)) recovered++;
      } finally {
        rmSync(claimed, { force: true });
      }
    } catch (error) {
      diagnostics.report(`could not recover journal ${name}`, error);
    }
  }
  return recovered;
}

function isRunning(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The OTLP/JSON body of what a journal says is unsent or was cut short; undefined when nothing is. */
export function bodyOf(text: string, lastWritten: HrTime): Uint8Array | undefined {
  let header: Extract<JournalLine, { h: unknown }>['h'] | undefined;
  const records = new Map<string, JournalRecord>();
  const sent = new Set<string>();
  const steps = new Map<string, JournalRecord>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let parsed: JournalLine;
    try {
      parsed = JSON.parse(line) as JournalLine;
    } catch {
      continue; // a line cut short by the process dying mid-write
    }
    if ('h' in parsed) header = parsed.h;
    else if ('o' in parsed) steps.set(parsed.o.s, parsed.o);
    else if ('r' in parsed) {
      records.set(parsed.r.s, parsed.r);
      if (parsed.sent === 1) sent.add(parsed.r.s);
    } else if ('a' in parsed && Array.isArray(parsed.a)) {
      for (const id of parsed.a) sent.add(id);
    }
  }
  const spans: JournalRecord[] = [];
  for (const record of records.values()) {
    if (!sent.has(record.s)) spans.push(record);
    // A started record whose command never completed: the command was cut short.
    if (record.cp !== undefined && !records.has(record.p)) spans.push(abortedCompletion(record, lastWritten));
  }
  // A step that began and never ended was cut short with its command.
  for (const step of steps.values()) {
    if (!records.has(step.s)) spans.push({ ...step, et: lastWritten, a: { ...step.a, 'optel.outcome': 'aborted' } });
  }
  if (spans.length === 0) return undefined;
  return Buffer.from(JSON.stringify(otlpRequest(header, spans)));
}

function abortedCompletion(started: JournalRecord, end: HrTime): JournalRecord {
  return {
    t: started.t,
    s: started.p,
    p: started.cp ?? '',
    n: started.n,
    k: started.k,
    st: started.st,
    et: end,
    a: { ...started.a, 'optel.lifecycle': 'completed', 'optel.outcome': 'aborted' },
  };
}

function toHrTime(ms: number): HrTime {
  const whole = Math.floor(ms);
  return [Math.floor(whole / 1000), (whole % 1000) * 1_000_000];
}

function nanos(time: HrTime): string {
  return (BigInt(time[0]) * 1_000_000_000n + BigInt(time[1])).toString();
}

function otlpRequest(header: Extract<JournalLine, { h: unknown }>['h'] | undefined, spans: readonly JournalRecord[]): unknown {
  return {
    resourceSpans: [
      {
        resource: { attributes: keyValues(header?.resource ?? {}) },
        scopeSpans: [
          {
            scope: header?.scope ?? { name: 'optel' },
            spans: spans.map((record) => ({
              traceId: record.t,
              spanId: record.s,
              ...(record.p === '' ? {} : { parentSpanId: record.p }),
              name: record.n,
              kind: record.k + 1,
              startTimeUnixNano: nanos(record.st),
              endTimeUnixNano: nanos(record.et),
              attributes: keyValues(record.a),
              events: (record.ev ?? []).map((event) => ({ name: event.n, timeUnixNano: nanos(event.t), attributes: keyValues(event.a) })),
              status: { code: record.sc ?? 0, ...(record.sm === undefined ? {} : { message: record.sm }) },
            })),
          },
        ],
      },
    ],
  };
}

function keyValues(attributes: Readonly<Record<string, AttributeValue>>): unknown[] {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: anyValue(value) }));
}

function anyValue(value: unknown): unknown {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { intValue: value } : { doubleValue: value };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } };
  return {};
}
