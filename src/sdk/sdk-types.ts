// The OpenTelemetry SDK's shapes that optel reads or implements, declared
// here with the SDK's own names and members, so that optel's types need
// only @opentelemetry/api: the SDK packages are an app's own, on the 2.x or
// the 3.x line (`@opentelemetry/sdk-trace-base` or `@opentelemetry/sdk-trace`),
// and optel depends on neither. The tests pass the SDK's real objects where
// these are expected, so the compiler checks they still fit.
import type { Attributes, AttributeValue, Context, HrTime, Link, Span, SpanAttributes, SpanContext, SpanKind, SpanStatus, TraceState } from '@opentelemetry/api';

export interface InstrumentationScope {
  readonly name: string;
  readonly version?: string;
  readonly schemaUrl?: string;
}

export interface Resource {
  readonly asyncAttributesPending?: boolean;
  readonly attributes: Attributes;
  readonly schemaUrl?: string;
  waitForAsyncAttributes?(): Promise<void>;
  merge(other: Resource | null): Resource;
  getRawAttributes(): [string, AttributeValue | Promise<AttributeValue | undefined> | undefined][];
}

export interface TimedEvent {
  time: HrTime;
  name: string;
  attributes?: SpanAttributes;
  droppedAttributesCount?: number;
}

export interface ReadableSpan {
  readonly name: string;
  readonly kind: SpanKind;
  readonly spanContext: () => SpanContext;
  readonly parentSpanContext?: SpanContext;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly status: SpanStatus;
  readonly attributes: SpanAttributes;
  readonly links: Link[];
  readonly events: TimedEvent[];
  readonly duration: HrTime;
  readonly ended: boolean;
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope;
  readonly droppedAttributesCount: number;
  readonly droppedEventsCount: number;
  readonly droppedLinksCount: number;
}

export interface SpanProcessor {
  forceFlush(): Promise<void>;
  onStart(span: Span, parentContext: Context): void;
  onEnd(span: ReadableSpan): void;
  shutdown(): Promise<void>;
}

/** NOT_RECORD = 0, RECORD = 1, RECORD_AND_SAMPLED = 2. */
export type SamplingDecision = 0 | 1 | 2;

export interface SamplingResult {
  readonly decision: SamplingDecision;
  readonly attributes?: Readonly<Attributes>;
  readonly traceState?: TraceState;
}

export interface Sampler {
  shouldSample(context: Context, traceId: string, spanName: string, spanKind: SpanKind, attributes: Attributes, links: Link[]): SamplingResult;
  toString(): string;
}
