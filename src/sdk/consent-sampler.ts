// Types only: this module is loaded with telemetry off, and no OpenTelemetry
// module may be. The decision values are the SDK's enum values as numbers.
import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import type { Sampler, SamplingDecision, SamplingResult } from './sdk-types.js';

const NOT_RECORD: SamplingDecision = 0;
const RECORD_AND_SAMPLED: SamplingDecision = 2;
const NOT_RECORDED: SamplingResult = Object.freeze({ decision: NOT_RECORD });
const SAMPLED: SamplingResult = Object.freeze({ decision: RECORD_AND_SAMPLED });

/** Anything that can say whether consent is given right now, e.g. `telemetry.consent`. */
export interface ConsentCheck {
  isEnabled(): boolean;
}

/**
 * A sampler that asks consent for every span: `NOT_RECORD` while consent is
 * off (nothing is recorded, no processor sees the span), otherwise whatever
 * `delegate` decides (default: record and sample). A sampler decides once,
 * when a span starts, so a span started before a "no" still ends; optel's
 * export path checks consent again and drops it.
 */
export class ConsentSampler implements Sampler {
  readonly #consent: ConsentCheck;
  readonly #delegate: Sampler | undefined;

  constructor(consent: ConsentCheck, delegate?: Sampler) {
    this.#consent = consent;
    this.#delegate = delegate;
  }

  shouldSample(context: Context, traceId: string, spanName: string, spanKind: SpanKind, attributes: Attributes, links: Link[]): SamplingResult {
    let enabled: boolean;
    try {
      enabled = this.#consent.isEnabled();
    } catch {
      // Not knowing is not a yes.
      return NOT_RECORDED;
    }
    if (!enabled) return NOT_RECORDED;
    return this.#delegate ? this.#delegate.shouldSample(context, traceId, spanName, spanKind, attributes, links) : SAMPLED;
  }

  toString(): string {
    return `ConsentSampler{${this.#delegate ? this.#delegate.toString() : 'AlwaysOnSampler'}}`;
  }
}
