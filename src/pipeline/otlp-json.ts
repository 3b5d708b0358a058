import type { Attributes, AttributeValue, HrTime, Link, SpanContext } from '@opentelemetry/api';
import type { SpanRecord } from '../privacy/scrub-span.js';
import type { InstrumentationScope, Resource, TimedEvent } from '../sdk/sdk-types.js';

/**
 * Encodes ended spans as an OTLP/JSON ExportTraceServiceRequest
 * (opentelemetry/proto/collector/trace/v1), following the protobuf JSON
 * mapping that OTLP/HTTP specifies: ids as lower-case hex, times as decimal
 * strings of nanoseconds since the epoch, `intValue` as a decimal string
 * (int64), non-finite doubles as "NaN"/"Infinity"/"-Infinity", span kind and
 * status code as the proto's enum numbers, and `flags` with the W3C trace
 * flags plus "whether the parent is remote is known" (bit 8) and "it is"
 * (bit 9). Spans are grouped by resource object, then by scope, as the
 * stock serializer does. Written by hand so optel's own path needs no
 * OpenTelemetry module; a test holds it against the stock serializer.
 */
export function encodeTraceRequest(spans: readonly SpanRecord[]): Uint8Array {
  return Buffer.from(JSON.stringify(traceRequest(spans)), 'utf8');
}

export function traceRequest(spans: readonly SpanRecord[]): object {
  const byResource = new Map<Resource, Map<string, { scope: InstrumentationScope; spans: object[] }>>();
  for (const span of spans) {
    let scopes = byResource.get(span.resource);
    if (!scopes) {
      scopes = new Map();
      byResource.set(span.resource, scopes);
    }
    const scope = span.instrumentationScope;
    const scopeKey = `${scope.name}@${scope.version ?? ''}@${scope.schemaUrl ?? ''}`;
    let group = scopes.get(scopeKey);
    if (!group) {
      group = { scope, spans: [] };
      scopes.set(scopeKey, group);
    }
    group.spans.push(encodeSpan(span));
  }
  const resourceSpans: object[] = [];
  for (const [resource, scopes] of byResource) {
    resourceSpans.push({
      resource: { attributes: keyValues(resource.attributes), droppedAttributesCount: 0 },
      scopeSpans: [...scopes.values()].map(({ scope, spans: encoded }) => ({
        scope: { name: scope.name, ...(scope.version === undefined ? {} : { version: scope.version }) },
        spans: encoded,
        ...(scope.schemaUrl === undefined ? {} : { schemaUrl: scope.schemaUrl }),
      })),
      ...(resource.schemaUrl === undefined ? {} : { schemaUrl: resource.schemaUrl }),
    });
  }
  return { resourceSpans };
}

function encodeSpan(span: SpanRecord): object {
  const context = span.spanContext();
  const parent = span.parentSpanContext;
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    ...(parent === undefined ? {} : { parentSpanId: parent.spanId }),
    ...(context.traceState === undefined ? {} : { traceState: context.traceState.serialize() }),
    name: span.name,
    // OTLP's SPAN_KIND_* numbers are the API's SpanKind plus one (0 is "unspecified").
    kind: span.kind + 1,
    startTimeUnixNano: nanos(span.startTime),
    endTimeUnixNano: nanos(span.endTime),
    attributes: keyValues(span.attributes),
    droppedAttributesCount: span.droppedAttributesCount,
    events: span.events.map(encodeEvent),
    droppedEventsCount: span.droppedEventsCount,
    status: span.status.message === undefined ? { code: span.status.code } : { code: span.status.code, message: span.status.message },
    links: span.links.map(encodeLink),
    droppedLinksCount: span.droppedLinksCount,
    flags: flagsOf(context, parent),
  };
}

function encodeEvent(event: TimedEvent): object {
  return {
    attributes: keyValues(event.attributes ?? {}),
    name: event.name,
    timeUnixNano: nanos(event.time),
    droppedAttributesCount: event.droppedAttributesCount ?? 0,
  };
}

function encodeLink(link: Link): object {
  return {
    attributes: keyValues(link.attributes ?? {}),
    spanId: link.context.spanId,
    traceId: link.context.traceId,
    ...(link.context.traceState === undefined ? {} : { traceState: link.context.traceState.serialize() }),
    droppedAttributesCount: link.droppedAttributesCount ?? 0,
    flags: flagsOf(link.context, link.context),
  };
}

/** W3C trace flags, and whether the span's parent (or the linked span) is known to be remote. */
function flagsOf(context: SpanContext, parent: SpanContext | undefined): number {
  return (context.traceFlags & 0xff) | 0x100 | (parent?.isRemote === true ? 0x200 : 0);
}

/** [seconds, nanoseconds] as the decimal string of nanoseconds since the epoch (past 2^53, so not a number). */
function nanos(time: HrTime): string {
  const [seconds, fraction] = time;
  if (seconds === 0) return String(fraction);
  return `${seconds}${String(fraction).padStart(9, '0')}`;
}

function keyValues(attributes: Attributes): object[] {
  const list: object[] = [];
  for (const key of Object.keys(attributes)) {
    const value = attributes[key];
    if (value === undefined) continue;
    list.push({ key, value: anyValue(value) });
  }
  return list;
}

function anyValue(value: AttributeValue | null | undefined): object {
  if (value === null || value === undefined) return {};
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return { intValue: String(value) };
    if (Number.isNaN(value)) return { doubleValue: 'NaN' };
    if (!Number.isFinite(value)) return { doubleValue: value > 0 ? 'Infinity' : '-Infinity' };
    return { doubleValue: value };
  }
  if (Array.isArray(value)) return { arrayValue: { values: (value as unknown[]).map((element) => anyValue(element as AttributeValue | null)) } };
  return {};
}
