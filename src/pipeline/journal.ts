import { closeSync, constants, mkdirSync, openSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { AttributeValue, HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '../sdk/sdk-types.js';
import type { Diagnostics } from '../diagnostics.js';
import { isRealDirectory } from '../files/safe-read.js';

/** A journal is started afresh (holding only what is still needed) past this size. */
const ROTATE_BYTES = 1024 * 1024;
export const JOURNAL_SUFFIX = '.journal';

/** One record as the journal keeps it: what an OTLP span needs, in short keys. */
export interface JournalRecord {
  /** trace id, span id, parent span id ('' for none) */
  readonly t: string;
  readonly s: string;
  readonly p: string;
  readonly n: string;
  readonly k: number;
  readonly st: HrTime;
  readonly et: HrTime;
  readonly a: Readonly<Record<string, AttributeValue>>;
  readonly ev?: readonly { readonly n: string; readonly t: HrTime; readonly a: Readonly<Record<string, AttributeValue>> }[];
  readonly sc?: number;
  readonly sm?: string;
  /** On a started record: the parent of the command it starts ('' for a root command). */
  readonly cp?: string;
}

/**
 * A journal line: the resource and scope (`h`), a record handed to the
 * queue (`r`, with `sent` when it was already delivered), or the ids of
 * records the collector took or refused for good (`a`).
 */
export type JournalLine =
  | { readonly h: { readonly resource: Readonly<Record<string, AttributeValue>>; readonly scope: { readonly name: string; readonly version?: string } } }
  | { readonly r: JournalRecord; readonly sent?: 1 }
  /** A step that has begun (scrubbed as it was then); it ends with a record of the same span id. */
  | { readonly o: JournalRecord }
  | { readonly a: readonly string[] };

/**
 * The write-ahead journal of one process's records, so that a process that
 * dies of a signal (which optel does not hold: see run-guards.ts) loses
 * nothing: every record the queue accepts is appended before it is sent,
 * and acknowledged once the collector took it. The next run turns a dead
 * process's journal into a pending record (journal-recovery.ts): what was
 * never acknowledged, plus a completed record with `optel.outcome=aborted`
 * for each command that started and never completed.
 *
 * Each line is appended at once, synchronously: a small write to the page
 * cache (about 1.3 µs on a local disk, where an asynchronous write cost
 * about 7 µs of the main thread's time, mostly waking a thread of the pool,
 * and kept its text alive until the event loop turned). A record is on the
 * disk before the call that made it returns, whatever the app does next:
 * keeps the main thread busy, or dies of a signal. The file
 * is opened (O_NOFOLLOW, 0600) at the first record, started afresh when it
 * grows 1 MiB past what the last fresh start kept (never more than the
 * queue holds, which settles what it drops), and deleted when the process
 * ends normally (the exit hook has spooled what is unsent by then).
 */
export class Journal {
  readonly #dir: string;
  readonly #diagnostics: Diagnostics;
  #file: JournalFile | undefined;
  #bytes = 0;
  /** The size past which the file is started afresh. */
  #rotateAt = ROTATE_BYTES;
  #stopped = false;
  #header: string | undefined;
  /** Records not yet acknowledged, by span id. */
  readonly #unacked = new Map<string, string>();
  /** Started records of commands still open (their id and journal line), by the command's span id. */
  readonly #open = new Map<string, { readonly startedId: string; readonly line: string }>();
  /** Steps begun and not yet ended: their journal line, by span id. */
  readonly #openSteps = new Map<string, string>();
  /** The started record about to be offered to the queue, and its command's parent (the queue may drop it). */
  #nextStarted: { readonly record: ReadableSpan; readonly commandParent: string } | undefined;

  constructor(dir: string, diagnostics: Diagnostics) {
    this.#dir = dir;
    this.#diagnostics = diagnostics;
  }

  /** Called before a command's started record is offered to the queue: the parent of the command (undefined for a root). */
  expectStarted(started: ReadableSpan, commandParent: string | undefined): void {
    this.#nextStarted = this.#stopped ? undefined : { record: started, commandParent: commandParent ?? '' };
  }

  /** A record the queue accepted. Never throws. */
  record(span: ReadableSpan): void {
    if (this.#stopped) return;
    try {
      const next = this.#nextStarted;
      this.#nextStarted = undefined;
      const commandParent = next?.record === span ? next.commandParent : undefined;
      const { spanId } = span.spanContext();
      // Serialised once: the same line is written now and kept for a rotation.
      const line = JSON.stringify({ r: recordOf(span, commandParent) });
      this.#unacked.set(spanId, line);
      if (commandParent !== undefined) {
        const commandId = span.parentSpanContext?.spanId ?? '';
        this.#open.set(commandId, { startedId: spanId, line });
      } else {
        this.#open.delete(spanId);
        this.#openSteps.delete(spanId);
      }
      if (this.#header === undefined) {
        const scope = span.instrumentationScope;
        this.#header = JSON.stringify({
          h: { resource: { ...span.resource.attributes }, scope: { name: scope.name, ...(scope.version === undefined ? {} : { version: scope.version }) } },
        });
        this.#append(this.#header);
      }
      this.#append(line);
    } catch (error) {
      this.#diagnostics.report('could not journal a record', error);
    }
  }

  /** A step that has begun: if its record never follows, the next run ends it as aborted. Never throws. */
  opened(step: ReadableSpan): void {
    if (this.#stopped) return;
    try {
      const line = JSON.stringify({ o: recordOf(step, undefined) });
      this.#openSteps.set(step.spanContext().spanId, line);
      this.#append(line);
    } catch (error) {
      this.#diagnostics.report('could not journal a step', error);
    }
  }

  /** Records the collector took, or refused for good. */
  settled(spans: readonly ReadableSpan[]): void {
    if (this.#stopped || this.#file === undefined) return;
    const ids: string[] = [];
    for (const span of spans) {
      const id = span.spanContext().spanId;
      if (this.#unacked.delete(id)) ids.push(id);
    }
    if (ids.length > 0) this.#append(JSON.stringify({ a: ids }));
  }

  /**
   * The process ends normally (the exit hook has spooled what is unsent),
   * or consent was withdrawn: the journal is deleted. Synchronous.
   */
  discard(): void {
    this.#stopped = true;
    this.#unacked.clear();
    this.#open.clear();
    this.#openSteps.clear();
    const had = this.#file !== undefined;
    this.#closeFile();
    // Leave no empty telemetry-pending/ behind (another process's files keep it: ENOTEMPTY).
    if (had) {
      try {
        rmdirSync(this.#dir);
      } catch {
        // Not empty, or gone.
      }
    }
  }

  #append(line: string): void {
    if (this.#file === undefined) {
      this.#openFile([line]);
      return;
    }
    this.#write(this.#file, `${line}\n`);
    if (!this.#stopped && this.#bytes > this.#rotateAt) this.#rotate();
  }

  /** Appends `text` (whole lines); on a failure the journal stops, reported: nothing half-kept is trusted. */
  #write(file: JournalFile, text: string): void {
    try {
      writeSync(file.fd, text);
      this.#bytes += text.length;
    } catch (error) {
      this.#diagnostics.report('could not append to the journal; a signal may lose unsent records', error);
      this.discard();
    }
  }

  /** Opens a fresh file and writes `lines` (the header first, when there is one) in one append. */
  #openFile(lines: readonly string[]): void {
    try {
      mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
      // A linked pending directory is not ours to write into (see spool.ts).
      if (!isRealDirectory(this.#dir)) throw new Error(`${this.#dir} is not a directory of its own`);
      const path = join(this.#dir, `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}${JOURNAL_SUFFIX}`);
      const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_APPEND | (constants.O_NOFOLLOW ?? 0);
      let fd: number;
      try {
        fd = openSync(path, flags, 0o600);
      } catch (error) {
        // Another process removed the (then empty) directory in between: make it again, once.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
        fd = openSync(path, flags, 0o600);
      }
      this.#file = { fd, path };
    } catch (error) {
      this.#diagnostics.report('could not open the journal; a signal may lose unsent records', error);
      this.discard();
      return;
    }
    if (lines.length > 0) this.#write(this.#file, `${lines.join('\n')}\n`);
  }

  /**
   * A fresh file holding only what is still needed: the header,
   * unacknowledged records, open commands' started records and begun steps.
   * The old file is deleted once the new one holds them (or, if it can't be
   * made, with the journal).
   */
  #rotate(): void {
    const old = this.#file;
    this.#file = undefined;
    const kept = [
      ...(this.#header === undefined ? [] : [this.#header]),
      ...this.#unacked.values(),
      // A delivered started record is still needed to end its command as aborted: marked sent (`{"r":{…},"sent":1}`).
      ...[...this.#open.values()].filter((open) => !this.#unacked.has(open.startedId)).map((open) => `${open.line.slice(0, -1)},"sent":1}`),
      ...this.#openSteps.values(),
    ];
    this.#bytes = 0;
    this.#openFile(kept);
    // What is kept may itself be large (a full queue with the collector down): the next rotation
    // waits for as much again, so rotating stays linear in what is written, never once per record.
    this.#rotateAt = this.#bytes + ROTATE_BYTES;
    if (old !== undefined) this.#retire(old);
  }

  #retire(file: JournalFile): void {
    try {
      unlinkSync(file.path);
    } catch {
      // Already gone (a "no" deleted the directory).
    }
    closeQuietly(file.fd);
  }

  #closeFile(): void {
    const file = this.#file;
    this.#file = undefined;
    if (file) this.#retire(file);
  }
}

interface JournalFile {
  readonly fd: number;
  readonly path: string;
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Closed already.
  }
}

/**
 * A record as the journal writes it, built straight from the span: no copies
 * of its attributes (JSON.stringify leaves the undefined fields out).
 */
function recordOf(span: ReadableSpan, commandParent: string | undefined): Record<keyof JournalRecord, unknown> {
  const context = span.spanContext();
  const { code, message } = span.status;
  return {
    t: context.traceId,
    s: context.spanId,
    p: span.parentSpanContext?.spanId ?? '',
    n: span.name,
    k: span.kind,
    st: span.startTime,
    et: span.endTime,
    a: span.attributes,
    ev: span.events.length > 0 ? span.events.map((event) => ({ n: event.name, t: event.time, a: event.attributes ?? {} })) : undefined,
    sc: code !== 0 ? code : undefined,
    sm: typeof message === 'string' && message !== '' ? message : undefined,
    cp: commandParent,
  };
}
