/**
 * Streams command records out of OTLP JSON lines files, one line at a time,
 * so memory does not grow with the file.
 *
 * Each line is one of:
 * - a span object as `optel receive --jsonl` writes it (`name`, `traceId`,
 *   ..., `attributes` and `resource` as plain objects);
 * - an ExportTraceServiceRequest in OTLP/JSON (`{"resourceSpans": [...]}`),
 *   which is what the OpenTelemetry Collector's file exporter writes per line
 *   with its default `json` format.
 * Both may even be mixed in one file. Lines that are not JSON, or not one of
 * these shapes, are counted and skipped: one bad line must not hide a
 * month of data.
 */
import { toAttributeRecord } from '../receiver/attributes.js';
import type { CommandRecord } from './command-record.js';
import { forEachLine } from './read-lines.js';
import { toCommandRecord } from './span-fields.js';
import type { PlainSpan } from './span-fields.js';

export interface ReadCounts {
  lines: number;
  spans: number;
  skippedLines: number;
}

export function emptyReadCounts(): ReadCounts {
  return { lines: 0, spans: 0, skippedLines: 0 };
}

/** Calls `onRecord` for every command record in `path`, in file order. */
export async function readCommandRecords(
  path: string,
  onRecord: (record: CommandRecord) => void,
  counts: ReadCounts = emptyReadCounts(),
): Promise<ReadCounts> {
  await forEachLine(path, (line) => {
    if (line === '' || (line.charCodeAt(0) <= 32 && line.trim() === '')) return;
    counts.lines += 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      counts.skippedLines += 1;
      return;
    }
    if (!readLine(value, onRecord, counts)) counts.skippedLines += 1;
  });
  return counts;
}

/** False when the line holds neither shape. */
function readLine(value: unknown, onRecord: (record: CommandRecord) => void, counts: ReadCounts): boolean {
  if (!isObject(value)) return false;
  if (Array.isArray(value['resourceSpans'])) {
    let spans: PlainSpan[];
    try {
      // All of the line or none of it: a malformed span further on must not leave half a request counted.
      spans = [...spansOfRequest(value['resourceSpans'])];
    } catch {
      return false;
    }
    for (const span of spans) {
      counts.spans += 1;
      const record = toCommandRecord(span);
      if (record !== undefined) onRecord(record);
    }
    return true;
  }
  if (typeof value['spanId'] === 'string' && isObject(value['attributes'])) {
    counts.spans += 1;
    const record = toCommandRecord({
      name: value['name'],
      traceId: value['traceId'],
      spanId: value['spanId'],
      parentSpanId: value['parentSpanId'],
      startTimeUnixNano: value['startTimeUnixNano'],
      endTimeUnixNano: value['endTimeUnixNano'],
      attributes: value['attributes'],
      resource: isObject(value['resource']) ? value['resource'] : {},
    });
    if (record !== undefined) onRecord(record);
    return true;
  }
  return false;
}

/**
 * The spans of one request with their resource's attributes flattened. The
 * resource is converted once per ResourceSpans and shared by its spans.
 * Attribute lists are read by the receiver's own OTLP mapping, so both input
 * formats give the same values.
 */
function* spansOfRequest(resourceSpans: unknown[]): Generator<PlainSpan> {
  for (const [r, group] of resourceSpans.entries()) {
    if (!isObject(group)) continue;
    const resourceObject = isObject(group['resource']) ? group['resource'] : {};
    const resource = toAttributeRecord(resourceObject['attributes'], `resourceSpans[${r}].resource.attributes`);
    const scopeSpans = Array.isArray(group['scopeSpans']) ? group['scopeSpans'] : [];
    for (const scope of scopeSpans) {
      if (!isObject(scope) || !Array.isArray(scope['spans'])) continue;
      for (const span of scope['spans']) {
        if (!isObject(span)) continue;
        yield {
          name: span['name'],
          traceId: hexId(span['traceId']),
          spanId: hexId(span['spanId']),
          parentSpanId: hexId(span['parentSpanId']) ?? '',
          startTimeUnixNano: span['startTimeUnixNano'],
          endTimeUnixNano: span['endTimeUnixNano'],
          attributes: toAttributeRecord(span['attributes'], 'span.attributes'),
          resource,
        };
      }
    }
  }
}

/**
 * OTLP/JSON ids are hex; the generic protobuf JSON mapping some senders use
 * gives base64. Either becomes lowercase hex, as optel receive writes them.
 */
function hexId(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  if (/^[0-9a-fA-F]+$/.test(value) && value.length % 2 === 0) return value.toLowerCase();
  return Buffer.from(value, 'base64').toString('hex');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
