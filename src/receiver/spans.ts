/**
 * Flattens an OTLP trace export request (parsed OTLP/JSON, or the output of
 * the protobuf decoder) into one self-contained record per span.
 *
 * OTLP nests spans under their resource and instrumentation scope to avoid
 * repeating them on the wire; for reading, asserting and writing JSON lines it
 * is far easier when every span carries its own resource and scope.
 *
 * The input is untrusted: every field is checked and anything that does not
 * fit the schema throws an Error naming the offending path. Absent fields take
 * their proto3 defaults, as OTLP/JSON senders omit them.
 */
import { toAttributeRecord } from './attributes.js';
import { SPAN_ID_BYTES, TRACE_ID_BYTES, normalizeId } from './ids.js';
import { describe, isJsonObject, preview, objectsOf, optionalArray, optionalObject, optionalString } from './json-shape.js';
import type { JsonObject } from './json-shape.js';

export interface ReceivedSpan {
  name: string;
  /** Lowercase hex, 32 characters. */
  traceId: string;
  /** Lowercase hex, 16 characters. */
  spanId: string;
  /** Lowercase hex, or '' for a root span (never undefined, so it always appears in JSON lines). */
  parentSpanId: string;
  /** OTLP SpanKind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  /** Nanoseconds since the epoch as a decimal string (they exceed 2^53). */
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  /** Plain key → value; see attributes.ts for how OTLP values map. */
  attributes: Record<string, unknown>;
  events: ReceivedEvent[];
  links: ReceivedLink[];
  status: ReceivedStatus;
  /** The resource attributes of the span's ResourceSpans. */
  resource: Record<string, unknown>;
  scope: ReceivedScope;
}

export interface ReceivedEvent {
  name: string;
  timeUnixNano: string;
  attributes: Record<string, unknown>;
}

export interface ReceivedLink {
  traceId: string;
  spanId: string;
  attributes: Record<string, unknown>;
}

export interface ReceivedStatus {
  /** OTLP StatusCode: 0 unset, 1 ok, 2 error. */
  code: number;
  /** Present only when the sender set a non-empty message. */
  message?: string;
}

export interface ReceivedScope {
  name: string;
  /** Present only when the sender set a non-empty version. */
  version?: string;
}

// The protobuf JSON mapping allows enum names as well as numbers.
const SPAN_KINDS: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};

const STATUS_CODES: Record<string, number> = {
  STATUS_CODE_UNSET: 0,
  STATUS_CODE_OK: 1,
  STATUS_CODE_ERROR: 2,
};

/** Every span of an ExportTraceServiceRequest, in request order. */
export function normalizeTraceRequest(request: unknown): ReceivedSpan[] {
  if (!isJsonObject(request)) {
    throw new Error(`request: expected an object, got ${describe(request)}`);
  }
  const spans: ReceivedSpan[] = [];
  objectsOf(optionalArray(request, 'resourceSpans', 'request'), 'resourceSpans').forEach((resourceSpans, r) => {
    const resourcePath = `resourceSpans[${r}]`;
    const resourceObject = optionalObject(resourceSpans, 'resource', resourcePath);
    const resource = toAttributeRecord(resourceObject?.['attributes'], `${resourcePath}.resource.attributes`);
    objectsOf(optionalArray(resourceSpans, 'scopeSpans', resourcePath), `${resourcePath}.scopeSpans`).forEach(
      (scopeSpans, s) => {
        const scopePath = `${resourcePath}.scopeSpans[${s}]`;
        const scope = toScope(optionalObject(scopeSpans, 'scope', scopePath), `${scopePath}.scope`);
        objectsOf(optionalArray(scopeSpans, 'spans', scopePath), `${scopePath}.spans`).forEach((span, i) => {
          spans.push(toReceivedSpan(span, `${scopePath}.spans[${i}]`, resource, scope));
        });
      },
    );
  });
  return spans;
}

function toReceivedSpan(
  span: JsonObject,
  path: string,
  resource: Record<string, unknown>,
  scope: ReceivedScope,
): ReceivedSpan {
  const parent = span['parentSpanId'];
  return {
    name: optionalString(span, 'name', path),
    traceId: normalizeId(span['traceId'], TRACE_ID_BYTES, `${path}.traceId`),
    spanId: normalizeId(span['spanId'], SPAN_ID_BYTES, `${path}.spanId`),
    parentSpanId:
      parent === undefined || parent === null || parent === ''
        ? ''
        : normalizeId(parent, SPAN_ID_BYTES, `${path}.parentSpanId`),
    kind: toEnum(span['kind'], SPAN_KINDS, `${path}.kind`),
    startTimeUnixNano: toUnixNano(span['startTimeUnixNano'], `${path}.startTimeUnixNano`),
    endTimeUnixNano: toUnixNano(span['endTimeUnixNano'], `${path}.endTimeUnixNano`),
    attributes: toAttributeRecord(span['attributes'], `${path}.attributes`),
    events: objectsOf(optionalArray(span, 'events', path), `${path}.events`).map((event, e) => {
      const eventPath = `${path}.events[${e}]`;
      return {
        name: optionalString(event, 'name', eventPath),
        timeUnixNano: toUnixNano(event['timeUnixNano'], `${eventPath}.timeUnixNano`),
        attributes: toAttributeRecord(event['attributes'], `${eventPath}.attributes`),
      };
    }),
    links: objectsOf(optionalArray(span, 'links', path), `${path}.links`).map((link, l) => {
      const linkPath = `${path}.links[${l}]`;
      return {
        traceId: normalizeId(link['traceId'], TRACE_ID_BYTES, `${linkPath}.traceId`),
        spanId: normalizeId(link['spanId'], SPAN_ID_BYTES, `${linkPath}.spanId`),
        attributes: toAttributeRecord(link['attributes'], `${linkPath}.attributes`),
      };
    }),
    status: toStatus(optionalObject(span, 'status', path), `${path}.status`),
    resource,
    scope,
  };
}

function toScope(scope: JsonObject | undefined, path: string): ReceivedScope {
  if (scope === undefined) return { name: '' };
  const name = optionalString(scope, 'name', path);
  const version = optionalString(scope, 'version', path);
  return version === '' ? { name } : { name, version };
}

function toStatus(status: JsonObject | undefined, path: string): ReceivedStatus {
  if (status === undefined) return { code: 0 };
  const code = toEnum(status['code'], STATUS_CODES, `${path}.code`);
  const message = optionalString(status, 'message', path);
  return message === '' ? { code } : { code, message };
}

function toEnum(value: unknown, names: Record<string, number>, path: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string') {
    const byName = names[value];
    if (byName !== undefined) return byName;
    if (/^-?\d+$/.test(value)) return Number(value);
  }
  throw new Error(`${path}: expected an enum number or name, got ${preview(value)}`);
}

/** A fixed64 time: a decimal string, or a JSON number from lenient senders; absent → '0'. */
function toUnixNano(value: unknown, path: string): string {
  if (value === undefined || value === null) return '0';
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) {
    return BigInt(value).toString();
  }
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) {
    const nanos = BigInt(value);
    if (nanos < 2n ** 64n) return nanos.toString();
  }
  throw new Error(`${path}: expected unsigned nanoseconds as a decimal string, got ${preview(value)}`);
}
