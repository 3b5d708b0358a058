import type { ReceivedSpan } from '../receiver/spans.js';
import { normalizeTraceRequest } from '../receiver/spans.js';

/**
 * `<APP>_TELEMETRY_DEBUG`: renders an OTLP/JSON body that would have been
 * sent, in full (every attribute, every value, as serialized), so a person
 * can read exactly what leaves. Nothing is truncated: this is the audit view.
 */
export function renderDebugPayload(appName: string, url: URL, body: Uint8Array): string {
  let spans: ReceivedSpan[];
  try {
    spans = normalizeTraceRequest(JSON.parse(Buffer.from(body).toString('utf8')));
  } catch (error) {
    return `${appName} telemetry (debug, not sent): could not render the payload (${String(error)}); raw: ${Buffer.from(body).toString('utf8')}\n`;
  }
  const lines = [`${appName} telemetry (debug mode: nothing is sent) would POST ${spans.length} span(s) to ${url.href}`];
  let lastResource = '';
  for (const span of spans) {
    const resource = formatAttributes(span.resource);
    if (resource !== lastResource) {
      lines.push(`  context: ${resource}`);
      lastResource = resource;
    }
    const lifecycle = span.attributes['optel.lifecycle'];
    const kind = typeof lifecycle === 'string' ? lifecycle : span.parentSpanId === '' ? 'span' : 'step';
    const durationMs = Number(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)) / 1e6;
    lines.push(`  ${span.name}  [${kind}]  ${durationMs.toFixed(1)} ms  status=${statusName(span.status.code)}  trace=${span.traceId} span=${span.spanId}${span.parentSpanId ? ` parent=${span.parentSpanId}` : ''}`);
    for (const [key, value] of Object.entries(span.attributes)) lines.push(`    ${key} = ${JSON.stringify(value)}`);
    for (const event of span.events) lines.push(`    event ${JSON.stringify(event.name)} ${formatAttributes(event.attributes)}`);
    for (const link of span.links) lines.push(`    link trace=${link.traceId} span=${link.spanId} ${formatAttributes(link.attributes)}`);
    if (span.status.message !== undefined) lines.push(`    status message = ${JSON.stringify(span.status.message)}`);
  }
  return `${lines.join('\n')}\n`;
}

function formatAttributes(attributes: Readonly<Record<string, unknown>>): string {
  return Object.entries(attributes)
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join(', ');
}

function statusName(code: number): string {
  return code === 2 ? 'ERROR' : code === 1 ? 'OK' : 'UNSET';
}
