import { WIRE_KEYS } from '../transparency/wire-keys.js';

/**
 * `<APP>_TELEMETRY_DEBUG`: renders an OTLP/JSON body that would have been
 * sent, in full (every attribute, every value, as serialized), so a person
 * can read exactly what leaves. Nothing is truncated: this is the audit
 * view. It reads the bodies optel's own encoder writes (see otlp-json.ts),
 * not any sender's: that is the receiver's job.
 */
export function renderDebugPayload(appName: string, url: URL, body: Uint8Array): string {
  const text = Buffer.from(body).toString('utf8');
  try {
    return `${renderRequest(appName, url, JSON.parse(text) as EncodedRequest).join('\n')}\n`;
  } catch (error) {
    return `${appName} telemetry (debug, not sent): could not render the payload (${String(error)}); raw: ${text}\n`;
  }
}

interface EncodedValue {
  readonly stringValue?: string;
  readonly boolValue?: boolean;
  readonly intValue?: string;
  readonly doubleValue?: number | string;
  readonly arrayValue?: { readonly values: readonly EncodedValue[] };
}
type EncodedAttributes = readonly { readonly key: string; readonly value: EncodedValue }[];
interface EncodedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly startTimeUnixNano: string;
  readonly endTimeUnixNano: string;
  readonly attributes: EncodedAttributes;
  readonly events: readonly { readonly name: string; readonly attributes: EncodedAttributes }[];
  readonly links: readonly { readonly traceId: string; readonly spanId: string; readonly attributes: EncodedAttributes }[];
  readonly status: { readonly code: number; readonly message?: string };
}
interface EncodedRequest {
  readonly resourceSpans: readonly {
    readonly resource: { readonly attributes: EncodedAttributes };
    readonly scopeSpans: readonly { readonly spans: readonly EncodedSpan[] }[];
  }[];
}

function renderRequest(appName: string, url: URL, request: EncodedRequest): string[] {
  const groups = request.resourceSpans.map((group) => ({ resource: formatAttributes(group.resource.attributes), spans: group.scopeSpans.flatMap((scope) => scope.spans) }));
  const count = groups.reduce((sum, group) => sum + group.spans.length, 0);
  const lines = [`${appName} telemetry (debug mode: nothing is sent) would POST ${count} span(s) to ${url.href}`];
  for (const group of groups) {
    lines.push(`  context: ${group.resource}`);
    for (const span of group.spans) {
      const attributes = Object.fromEntries(span.attributes.map(({ key, value }) => [key, plain(value)]));
      const lifecycle = attributes[WIRE_KEYS.lifecycle];
      const kind = typeof lifecycle === 'string' ? lifecycle : span.parentSpanId === undefined ? 'span' : 'step';
      const durationMs = Number(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)) / 1e6;
      const parent = span.parentSpanId === undefined ? '' : ` parent=${span.parentSpanId}`;
      lines.push(`  ${span.name}  [${kind}]  ${durationMs.toFixed(1)} ms  status=${statusName(span.status.code)}  trace=${span.traceId} span=${span.spanId}${parent}`);
      for (const [key, value] of Object.entries(attributes)) lines.push(`    ${key} = ${JSON.stringify(value)}`);
      for (const event of span.events) lines.push(`    event ${JSON.stringify(event.name)} ${formatAttributes(event.attributes)}`);
      for (const link of span.links) lines.push(`    link trace=${link.traceId} span=${link.spanId} ${formatAttributes(link.attributes)}`);
      if (span.status.message !== undefined) lines.push(`    status message = ${JSON.stringify(span.status.message)}`);
    }
  }
  return lines;
}

/** A value as the app set it: ints back to numbers (they were written as int64 strings). */
function plain(value: EncodedValue): unknown {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return typeof value.doubleValue === 'string' ? Number(value.doubleValue) : value.doubleValue;
  if (value.arrayValue !== undefined) return value.arrayValue.values.map(plain);
  return null;
}

function formatAttributes(attributes: EncodedAttributes): string {
  return attributes.map(({ key, value }) => `${key}=${JSON.stringify(plain(value))}`).join(', ');
}

function statusName(code: number): string {
  return code === 2 ? 'ERROR' : code === 1 ? 'OK' : 'UNSET';
}
