/**
 * Pending records are read back from disk, where anything may have changed
 * them: a planted file, an older version of the app with a wider catalogue.
 * So a record is never replayed as it was stored: it is parsed as OTLP/JSON
 * into plain spans, each span goes through the privacy scrubber under the
 * current policy (undeclared keys dropped, clear values scrubbed, only
 * allow-listed resource keys), and what is left is encoded again. What
 * can't be parsed is dropped and counted.
 */
import type { Attributes, AttributeValue, HrTime, Link, SpanContext } from '@opentelemetry/api';
import { hrDuration } from '../lifecycle/clock.js';
import type { ReadableSpan, Resource, TimedEvent } from '../sdk/sdk-types.js';
import type { PrivacyPolicy } from '../privacy/scrub-span.js';
import { scrubSpan } from '../privacy/scrub-span.js';

/** Read limits: one pending file is at most one unsent queue (2048 spans) and a batch in flight. */
export const SPOOL_LIMITS = { spans: 4096, attributes: 128, events: 128, links: 128, valueChars: 4096 } as const;

export interface Rescrubbed {
  /** The body to send, or undefined when nothing in the record was usable. */
  readonly body: Uint8Array | undefined;
  readonly kept: number;
  /** Spans dropped: malformed, beyond the limits, or failing the scrubber. */
  readonly dropped: number;
}

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PROJECT_ID = /^[0-9a-f]{32}$/;

/**
 * `body` (an OTLP/JSON export request, as the spool stores it) with every
 * span scrubbed again by `policy`, encoded by `encode`. Never throws.
 */
export function rescrubPendingBody(body: Uint8Array, policy: PrivacyPolicy, encode: (spans: ReadableSpan[]) => Uint8Array): Rescrubbed {
  let request: unknown;
  try {
    request = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    return { body: undefined, kept: 0, dropped: 1 };
  }
  // The policy itself underneath (not a copy of its fields): its key is read only if something is digested.
  const scrubbing: PrivacyPolicy = Object.create(policy, { keepDigests: { value: true, enumerable: true } }) as PrivacyPolicy;
  const spans: ReadableSpan[] = [];
  let dropped = 0;
  let seen = 0;
  for (const resourceSpans of arrayAt(request, 'resourceSpans')) {
    const resource = resourceOf(objectAt(resourceSpans, 'resource'));
    for (const scopeSpans of arrayAt(resourceSpans, 'scopeSpans')) {
      const scope = objectAt(scopeSpans, 'scope');
      const instrumentationScope = { name: stringAt(scope, 'name') ?? 'optel', ...(typeof scope['version'] === 'string' ? { version: scope['version'] } : {}) };
      for (const raw of arrayAt(scopeSpans, 'spans')) {
        if (++seen > SPOOL_LIMITS.spans) {
          dropped++;
          continue;
        }
        try {
          const span = spanOf(raw, resource, instrumentationScope);
          if (span === undefined) dropped++;
          else spans.push(scrubSpan(span, scrubbing));
        } catch {
          dropped++;
        }
      }
    }
  }
  if (spans.length === 0) return { body: undefined, kept: 0, dropped: Math.max(dropped, 1) };
  try {
    return { body: encode(spans), kept: spans.length, dropped };
  } catch {
    return { body: undefined, kept: 0, dropped: dropped + spans.length };
  }
}

type Json = Readonly<Record<string, unknown>>;

function objectAt(value: unknown, key: string): Json {
  const found = typeof value === 'object' && value !== null ? (value as Json)[key] : undefined;
  return typeof found === 'object' && found !== null && !Array.isArray(found) ? (found as Json) : {};
}

function arrayAt(value: unknown, key: string): readonly unknown[] {
  const found = typeof value === 'object' && value !== null ? (value as Json)[key] : undefined;
  return Array.isArray(found) ? found : [];
}

function stringAt(value: Json, key: string): string | undefined {
  const found = value[key];
  return typeof found === 'string' ? found : undefined;
}

function spanOf(raw: unknown, resource: Resource, instrumentationScope: { name: string; version?: string }): ReadableSpan | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const span = raw as Json;
  const traceId = stringAt(span, 'traceId');
  const spanId = stringAt(span, 'spanId');
  const parentSpanId = stringAt(span, 'parentSpanId');
  const name = stringAt(span, 'name');
  const startTime = timeOf(span['startTimeUnixNano']);
  const endTime = timeOf(span['endTimeUnixNano']);
  if (traceId === undefined || !TRACE_ID.test(traceId) || spanId === undefined || !SPAN_ID.test(spanId)) return undefined;
  if (name === undefined || startTime === undefined || endTime === undefined) return undefined;
  const context: SpanContext = { traceId, spanId, traceFlags: 1 };
  const status = objectAt(span, 'status');
  const code = status['code'] === 1 || status['code'] === 2 ? status['code'] : 0;
  const message = stringAt(status, 'message');
  const kind = typeof span['kind'] === 'number' && span['kind'] >= 1 && span['kind'] <= 5 ? span['kind'] - 1 : 0;
  const events = arrayAt(span, 'events');
  const links = arrayAt(span, 'links');
  const attributes = attributesOf(span['attributes']);
  const readable: ReadableSpan = {
    name: name.slice(0, SPOOL_LIMITS.valueChars),
    kind,
    spanContext: () => context,
    startTime,
    endTime,
    status: message === undefined ? { code } : { code, message },
    attributes: attributes.attributes,
    links: links.slice(0, SPOOL_LIMITS.links).map(linkOf).filter((link): link is Link => link !== undefined),
    events: events.slice(0, SPOOL_LIMITS.events).map(eventOf).filter((event): event is TimedEvent => event !== undefined),
    duration: hrDuration(startTime, endTime),
    ended: true,
    resource,
    instrumentationScope,
    droppedAttributesCount: countAt(span, 'droppedAttributesCount') + attributes.dropped,
    droppedEventsCount: countAt(span, 'droppedEventsCount') + Math.max(0, events.length - SPOOL_LIMITS.events),
    droppedLinksCount: countAt(span, 'droppedLinksCount') + Math.max(0, links.length - SPOOL_LIMITS.links),
  };
  if (parentSpanId !== undefined && SPAN_ID.test(parentSpanId)) {
    (readable as { parentSpanContext?: SpanContext }).parentSpanContext = { traceId, spanId: parentSpanId, traceFlags: 1 };
  }
  return readable;
}

function eventOf(raw: unknown): TimedEvent | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const event = raw as Json;
  const name = stringAt(event, 'name');
  const time = timeOf(event['timeUnixNano']);
  if (name === undefined || time === undefined) return undefined;
  const { attributes, dropped } = attributesOf(event['attributes']);
  return { name: name.slice(0, SPOOL_LIMITS.valueChars), time, attributes, droppedAttributesCount: countAt(event, 'droppedAttributesCount') + dropped };
}

function linkOf(raw: unknown): Link | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const link = raw as Json;
  const traceId = stringAt(link, 'traceId');
  const spanId = stringAt(link, 'spanId');
  if (traceId === undefined || !TRACE_ID.test(traceId) || spanId === undefined || !SPAN_ID.test(spanId)) return undefined;
  const { attributes, dropped } = attributesOf(link['attributes']);
  return { context: { traceId, spanId, traceFlags: 1 }, attributes, droppedAttributesCount: countAt(link, 'droppedAttributesCount') + dropped };
}

/** OTLP key-value list -> attributes; at most SPOOL_LIMITS.attributes, values of the kinds an attribute may hold. */
function attributesOf(raw: unknown): { attributes: Attributes; dropped: number } {
  const attributes: Attributes = Object.create(null) as Attributes;
  let dropped = 0;
  if (!Array.isArray(raw)) return { attributes, dropped };
  for (const entry of raw) {
    const key = typeof entry === 'object' && entry !== null ? (entry as Json)['key'] : undefined;
    const value = typeof entry === 'object' && entry !== null ? valueOf((entry as Json)['value'], true) : undefined;
    if (typeof key !== 'string' || value === undefined || Object.keys(attributes).length >= SPOOL_LIMITS.attributes) {
      dropped++;
      continue;
    }
    attributes[key] = value;
  }
  return { attributes: { ...attributes }, dropped };
}

function valueOf(raw: unknown, allowArray: boolean): AttributeValue | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const value = raw as Json;
  if (typeof value['stringValue'] === 'string') return value['stringValue'].slice(0, SPOOL_LIMITS.valueChars);
  if (typeof value['boolValue'] === 'boolean') return value['boolValue'];
  const int = value['intValue'];
  if (typeof int === 'number' && Number.isFinite(int)) return int;
  if (typeof int === 'string' && /^-?\d{1,20}$/.test(int)) return Number(int);
  if (typeof value['doubleValue'] === 'number' && Number.isFinite(value['doubleValue'])) return value['doubleValue'];
  if (allowArray && typeof value['arrayValue'] === 'object' && value['arrayValue'] !== null) {
    const elements = arrayAt(value['arrayValue'], 'values').slice(0, SPOOL_LIMITS.attributes).map((element) => valueOf(element, false));
    if (elements.some((element) => element === undefined)) return undefined;
    return elements as AttributeValue;
  }
  return undefined;
}

function countAt(value: Json, key: string): number {
  const found = value[key];
  return typeof found === 'number' && Number.isSafeInteger(found) && found >= 0 ? found : 0;
}

/** Nanoseconds since the epoch (a decimal string or a number) -> HrTime. */
function timeOf(raw: unknown): HrTime | undefined {
  let nanos: bigint;
  try {
    if (typeof raw === 'string' && /^\d{1,20}$/.test(raw)) nanos = BigInt(raw);
    else if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0) nanos = BigInt(raw);
    else return undefined;
  } catch {
    return undefined;
  }
  return [Number(nanos / 1_000_000_000n), Number(nanos % 1_000_000_000n)];
}

/**
 * A plain resource holding the stored attributes; the scrubber keeps only
 * allow-listed keys. optel's own ids pass the scrubber as they are, so here
 * they must have the shape optel gives them, or they are dropped.
 */
function resourceOf(raw: Json): Resource {
  const { attributes } = attributesOf(raw['attributes']);
  const installId = attributes['optel.install.id'];
  if (installId !== undefined && !(typeof installId === 'string' && UUID.test(installId))) delete attributes['optel.install.id'];
  const projectId = attributes['optel.project.id'];
  if (projectId !== undefined && !(typeof projectId === 'string' && PROJECT_ID.test(projectId))) delete attributes['optel.project.id'];
  const resource: Resource = {
    asyncAttributesPending: false,
    attributes,
    waitForAsyncAttributes: () => Promise.resolve(),
    merge: () => resource,
    getRawAttributes: () => Object.entries(attributes),
  };
  return resource;
}
