import type { Diagnostics } from '../diagnostics.js';
import type { SendResult } from './otlp-http.js';
import type { ReadableSpan } from '../sdk/sdk-types.js';

export type SendBatch = (spans: ReadableSpan[], signal: AbortSignal) => Promise<SendResult>;

export interface ExportQueueOptions {
  readonly send: SendBatch;
  readonly diagnostics: Diagnostics;
  /** Spans held at most; beyond this new spans are dropped and counted. */
  readonly maxQueueSize?: number;
  readonly maxBatchSize?: number;
  /** How long an ended span may wait for company before it is sent. */
  readonly delayMs?: number;
  /** Upper bound on one background request. */
  readonly requestTimeoutMs?: number;
  /**
   * Told of every span the queue accepts, and of spans settled for good: taken or refused by the
   * collector, or dropped by the queue itself (the journal holds no more than the queue does).
   */
  readonly onAccepted?: (span: ReadableSpan) => void;
  readonly onSettled?: (spans: readonly ReadableSpan[]) => void;
}

const BACKOFF_START_MS = 1_000;
const BACKOFF_MAX_MS = 60_000;

/**
 * A bounded queue of ended spans and the one loop that sends them. Unlike the
 * stock BatchSpanProcessor, nothing here holds the process open by itself:
 * timers and sockets are unref'd, and `flush(deadlineAt)` is the only place
 * that keeps the process alive, never past its deadline. What is still unsent
 * when the process ends is handed out by `takeUnsent()` for the spool.
 */
export class ExportQueue {
  readonly #send: SendBatch;
  readonly #diagnostics: Diagnostics;
  readonly #maxQueueSize: number;
  readonly #maxBatchSize: number;
  readonly #delayMs: number;
  readonly #requestTimeoutMs: number;
  readonly #onAccepted: ((span: ReadableSpan) => void) | undefined;
  readonly #onSettled: ((spans: readonly ReadableSpan[]) => void) | undefined;
  #queue: ReadableSpan[] = [];
  #inFlight: ReadableSpan[] = [];
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Infinity;
  #timerDelay = Infinity;
  #running: Promise<void> | undefined;
  #notBefore = 0;
  #failures = 0;
  #abort = new AbortController();
  #dropped = 0;
  #sent = 0;
  #added = 0;

  constructor(options: ExportQueueOptions) {
    this.#send = options.send;
    this.#diagnostics = options.diagnostics;
    this.#maxQueueSize = options.maxQueueSize ?? 2048;
    this.#maxBatchSize = options.maxBatchSize ?? 512;
    this.#delayMs = options.delayMs ?? 1_000;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.#onAccepted = options.onAccepted;
    this.#onSettled = options.onSettled;
  }

  /** Spans dropped because the queue was full or the collector refused them for good. */
  get dropped(): number {
    return this.#dropped;
  }

  get sent(): number {
    return this.#sent;
  }

  /** Spans ever offered to the queue; tells an exit hook whether anything is new since it last tried. */
  get added(): number {
    return this.#added;
  }

  get pending(): number {
    return this.#queue.length + this.#inFlight.length;
  }

  add(span: ReadableSpan): void {
    this.#added++;
    if (this.#queue.length >= this.#maxQueueSize) {
      this.#dropped++;
      return;
    }
    this.#queue.push(span);
    this.#onAccepted?.(span);
    this.#schedule(this.#queue.length >= this.#maxBatchSize ? 0 : this.#delayMs);
  }

  /** Sends what is queued on the next tick (used for `started` records). */
  sendSoon(): void {
    this.#schedule(0);
  }

  /**
   * Sends everything queued, trying each batch once, until the queue is empty
   * or `deadlineAt` (epoch ms) passes. Keeps the process alive until then and
   * no longer. Never rejects.
   */
  async flush(deadlineAt: number): Promise<void> {
    const remaining = deadlineAt - Date.now();
    if (remaining <= 0 || this.pending === 0) return;
    const abort = this.#abort;
    let release: () => void = () => undefined;
    const deadline = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Ref'd on purpose: this timer is what lets an exiting process wait for the flush.
    const hold = setTimeout(() => {
      abort.abort();
      release();
    }, remaining);
    try {
      await Promise.race([this.#run(true), deadline]);
    } finally {
      clearTimeout(hold);
      if (abort.signal.aborted) this.#abort = new AbortController();
    }
  }

  /** Everything not yet acknowledged by the collector; the queue is emptied. */
  takeUnsent(): ReadableSpan[] {
    const unsent = [...this.#inFlight, ...this.#queue];
    this.#queue = [];
    this.#inFlight = [];
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
    this.#timerDelay = Infinity;
    return unsent;
  }

  /** Drops everything queued (consent was withdrawn). */
  discard(): void {
    this.takeUnsent();
  }

  #schedule(delayMs: number): void {
    // A timer set earlier with no longer a delay fires no later than this one would
    // (checked without reading the clock: this runs for every span).
    if (this.#timer && this.#timerDelay <= delayMs) return;
    const at = Date.now() + delayMs;
    if (this.#timer && this.#timerAt <= at) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timerDelay = delayMs;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = Infinity;
      this.#timerDelay = Infinity;
      void this.#run(false);
    }, delayMs);
    this.#timer.unref();
  }

  #run(force: boolean): Promise<void> {
    const previous = this.#running ?? Promise.resolve();
    const next = previous.then(() => this.#drain(force));
    this.#running = next;
    void next.finally(() => {
      if (this.#running === next) this.#running = undefined;
    });
    return next;
  }

  async #drain(force: boolean): Promise<void> {
    while (this.#queue.length > 0) {
      const wait = this.#notBefore - Date.now();
      if (!force && wait > 0) {
        this.#schedule(wait);
        return;
      }
      if (force && this.#abort.signal.aborted) return;
      const signal = AbortSignal.any([this.#abort.signal, AbortSignal.timeout(this.#requestTimeoutMs)]);
      const batch = this.#queue.splice(0, this.#maxBatchSize);
      this.#inFlight = batch;
      let result: SendResult;
      try {
        result = await this.#send(batch, signal);
      } catch (error) {
        result = { ok: false, retryable: false, error: String(error) };
      }
      if (this.#inFlight !== batch) return; // taken for the spool meanwhile
      this.#inFlight = [];
      if (result.ok || !result.retryable) this.#onSettled?.(batch);
      if (result.ok) {
        this.#failures = 0;
        this.#notBefore = 0;
        this.#sent += batch.length;
        continue;
      }
      if (!result.retryable) {
        this.#dropped += batch.length;
        this.#diagnostics.report(`dropped ${batch.length} spans: ${result.error ?? 'rejected by the collector'}`);
        continue;
      }
      this.#requeue(batch);
      this.#failures++;
      const backoff = Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** (this.#failures - 1));
      // Retry-After can ask for longer than our backoff, never for less: a
      // collector answering `503, Retry-After: 0` must not get a tight loop.
      this.#notBefore = Date.now() + Math.min(BACKOFF_MAX_MS, Math.max(result.retryAfterMs ?? 0, backoff));
      this.#diagnostics.report(`export failed, will retry: ${result.error ?? 'unknown error'}`);
      if (!force) this.#schedule(this.#notBefore - Date.now());
      return;
    }
  }

  #requeue(batch: ReadableSpan[]): void {
    this.#queue = [...batch, ...this.#queue];
    const excess = this.#queue.length - this.#maxQueueSize;
    if (excess > 0) {
      // Keep the oldest (they include `started` records of commands still running).
      const dropped = this.#queue.splice(this.#maxQueueSize, excess);
      this.#dropped += excess;
      this.#onSettled?.(dropped);
    }
  }
}
