/**
 * The OTLP/JSON shape of an ExportTraceServiceRequest
 * (opentelemetry/proto/collector/trace/v1), limited to the fields the
 * receiver reads.
 *
 * The protobuf decoder produces exactly this shape, so one normalizer serves
 * both encodings. Senders are looser than the spec (the JS exporter writes
 * intValue as a number, some senders use base64 ids or numeric times), which
 * is why the normalizer validates `unknown` input rather than trusting these
 * types; they document what a well-formed request looks like.
 */

export interface OtlpTraceRequest {
  resourceSpans?: OtlpResourceSpans[];
}

export interface OtlpResourceSpans {
  resource?: OtlpResource;
  scopeSpans?: OtlpScopeSpans[];
  schemaUrl?: string;
}

export interface OtlpResource {
  attributes?: OtlpKeyValue[];
  droppedAttributesCount?: number;
}

export interface OtlpScopeSpans {
  scope?: OtlpInstrumentationScope;
  spans?: OtlpSpan[];
  schemaUrl?: string;
}

export interface OtlpInstrumentationScope {
  name?: string;
  version?: string;
  attributes?: OtlpKeyValue[];
}

export interface OtlpSpan {
  /** Hex (the OTLP/JSON convention) or base64 (the generic protobuf JSON mapping). */
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  traceState?: string;
  name?: string;
  kind?: number | string;
  /** Nanoseconds since the epoch; decimal strings because they exceed 2^53. */
  startTimeUnixNano?: string | number;
  endTimeUnixNano?: string | number;
  attributes?: OtlpKeyValue[];
  droppedAttributesCount?: number;
  events?: OtlpEvent[];
  droppedEventsCount?: number;
  links?: OtlpLink[];
  droppedLinksCount?: number;
  status?: OtlpStatus;
  flags?: number;
}

export interface OtlpEvent {
  timeUnixNano?: string | number;
  name?: string;
  attributes?: OtlpKeyValue[];
  droppedAttributesCount?: number;
}

export interface OtlpLink {
  traceId?: string;
  spanId?: string;
  traceState?: string;
  attributes?: OtlpKeyValue[];
  droppedAttributesCount?: number;
  flags?: number;
}

export interface OtlpStatus {
  message?: string;
  code?: number | string;
}

export interface OtlpKeyValue {
  key?: string;
  value?: OtlpAnyValue;
}

/** A oneof: at most one of these is set; none set means an empty value. */
export interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  /** int64: a decimal string in OTLP/JSON, a number from the JS exporter. */
  intValue?: string | number;
  /** A number, or "NaN" / "Infinity" / "-Infinity" in the protobuf JSON mapping. */
  doubleValue?: number | string;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
  /** Base64. */
  bytesValue?: string;
}
