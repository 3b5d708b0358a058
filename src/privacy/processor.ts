import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Diagnostics } from '../diagnostics.js';
import type { PrivacyPolicy } from './scrub-span.js';
import { scrubSpan } from './scrub-span.js';

/**
 * Sits in front of another span processor and hands it a scrubbed copy of
 * every ended span. Fails closed: a span that cannot be scrubbed is dropped,
 * never passed on raw.
 */
export class PrivacySpanProcessor implements SpanProcessor {
  readonly #next: SpanProcessor;
  readonly #policy: PrivacyPolicy;
  readonly #diagnostics: Diagnostics | undefined;
  #failed = 0;

  constructor(next: SpanProcessor, policy: PrivacyPolicy, diagnostics?: Diagnostics) {
    this.#next = next;
    this.#policy = policy;
    this.#diagnostics = diagnostics;
  }

  /** Spans dropped because scrubbing them failed. */
  get failed(): number {
    return this.#failed;
  }

  onStart(span: Span, parentContext: Context): void {
    try {
      this.#next.onStart(span, parentContext);
    } catch (error) {
      this.#diagnostics?.report('span processor onStart failed', error);
    }
  }

  onEnd(span: ReadableSpan): void {
    let copy: ReadableSpan;
    try {
      copy = scrubSpan(span, this.#policy);
    } catch (error) {
      this.#failed++;
      this.#diagnostics?.report('dropped a span that could not be scrubbed', error);
      return;
    }
    try {
      this.#next.onEnd(copy);
    } catch (error) {
      this.#diagnostics?.report('span processor onEnd failed', error);
    }
  }

  async forceFlush(): Promise<void> {
    try {
      await this.#next.forceFlush();
    } catch (error) {
      this.#diagnostics?.report('span processor forceFlush failed', error);
    }
  }

  async shutdown(): Promise<void> {
    try {
      await this.#next.shutdown();
    } catch (error) {
      this.#diagnostics?.report('span processor shutdown failed', error);
    }
  }
}
