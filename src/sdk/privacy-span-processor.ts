import type { Context, Span } from '@opentelemetry/api';
import type { Diagnostics } from '../diagnostics.js';
import type { PrivacyPolicy, SpanRecord } from '../privacy/scrub-span.js';
import type { ReadableSpan, SpanProcessor } from './sdk-types.js';

/**
 * The policy, or a function asked at every span end: it may build the
 * policy on first use (so the hash key is only read or created once a span
 * actually ends) and returns undefined to withhold the span (telemetry off).
 */
export type PrivacyPolicySource = PrivacyPolicy | (() => PrivacyPolicy | undefined);

/** scrubSpan's signature. */
export type ScrubSpan = (span: SpanRecord, policy: PrivacyPolicy) => ReadableSpan;

/** Spans kept while the scrubber loads; more are dropped (and counted as failed). */
const MAX_WAITING = 2048;

let loadedScrub: ScrubSpan | undefined;
let loadingScrub: Promise<ScrubSpan> | undefined;

/**
 * The scrubber and its rules (some 30 KB) load with the first span that
 * needs them, not with optel: a run with telemetry off never parses them.
 */
function loadScrub(): Promise<ScrubSpan> {
  loadingScrub ??= import('../privacy/scrub-span.js').then((module) => (loadedScrub = module.scrubSpan));
  return loadingScrub;
}

/**
 * Sits in front of another span processor and hands it a scrubbed copy of
 * every ended span (see scrubSpan). The next processor never sees a live
 * span: `onStart` is not passed on, since the span then holds whatever the
 * app set before scrubbing. Fails closed: a span that cannot be scrubbed is
 * dropped, never passed on raw. Never throws.
 *
 * The first spans wait (in order) for the scrubber to load, a few
 * milliseconds; `forceFlush()` and `shutdown()` wait for them. Passing
 * `scrub` makes it synchronous from the start.
 */
export class PrivacySpanProcessor implements SpanProcessor {
  readonly #next: SpanProcessor;
  readonly #policy: PrivacyPolicySource;
  readonly #diagnostics: Pick<Diagnostics, 'report'> | undefined;
  #scrub: ScrubSpan | undefined;
  #waiting: { readonly span: SpanRecord; readonly policy: PrivacyPolicy }[] = [];
  #draining: Promise<void> | undefined;
  #failed = 0;
  #withheld = 0;

  constructor(next: SpanProcessor, policy: PrivacyPolicySource, diagnostics?: Pick<Diagnostics, 'report'>, scrub?: ScrubSpan) {
    this.#next = next;
    this.#policy = policy;
    this.#diagnostics = diagnostics;
    this.#scrub = scrub;
  }

  /** Spans dropped because scrubbing them failed (or could not wait for the scrubber). */
  get failed(): number {
    return this.#failed;
  }

  /** Spans not passed on because the policy source said no (telemetry off). */
  get withheld(): number {
    return this.#withheld;
  }

  onStart(_span: Span, _parentContext: Context): void {
    // Deliberately not passed on: the next processor sees only scrubbed copies.
  }

  onEnd(span: SpanRecord): void {
    let policy: PrivacyPolicy | undefined;
    try {
      policy = typeof this.#policy === 'function' ? this.#policy() : this.#policy;
    } catch (error) {
      this.#fail(error);
      return;
    }
    if (policy === undefined) {
      this.#withheld++;
      return;
    }
    this.#scrub ??= loadedScrub;
    if (this.#scrub !== undefined && this.#waiting.length === 0) {
      this.#forward(span, policy, this.#scrub);
      return;
    }
    if (this.#waiting.length >= MAX_WAITING) {
      this.#fail(new Error('too many spans waiting for the scrubber to load'));
      return;
    }
    // The ended span is read-only from here on, so it can wait as it is.
    this.#waiting.push({ span, policy });
    this.#draining ??= this.#drain();
  }

  async forceFlush(): Promise<void> {
    await this.#draining;
    try {
      await this.#next.forceFlush();
    } catch (error) {
      this.#diagnostics?.report('span processor forceFlush failed', error);
    }
  }

  async shutdown(): Promise<void> {
    await this.#draining;
    try {
      await this.#next.shutdown();
    } catch (error) {
      this.#diagnostics?.report('span processor shutdown failed', error);
    }
  }

  async #drain(): Promise<void> {
    try {
      // Always awaited, so #draining is set before this finishes.
      const scrub = await (this.#scrub === undefined ? loadScrub() : Promise.resolve(this.#scrub));
      this.#scrub = scrub;
      while (this.#waiting.length > 0) {
        const waiting = this.#waiting;
        this.#waiting = [];
        for (const { span, policy } of waiting) this.#forward(span, policy, scrub);
      }
    } catch (error) {
      this.#failed += this.#waiting.length;
      this.#waiting = [];
      this.#diagnostics?.report('could not load the scrubber; spans dropped', error);
    } finally {
      this.#draining = undefined;
    }
  }

  #forward(span: SpanRecord, policy: PrivacyPolicy, scrub: ScrubSpan): void {
    let copy: ReadableSpan;
    try {
      copy = scrub(span, policy);
    } catch (error) {
      this.#fail(error);
      return;
    }
    try {
      this.#next.onEnd(copy);
    } catch (error) {
      this.#diagnostics?.report('span processor onEnd failed', error);
    }
  }

  #fail(error: unknown): void {
    this.#failed++;
    this.#diagnostics?.report('dropped a span that could not be scrubbed', error);
  }
}
