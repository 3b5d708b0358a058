/**
 * Decodes a binary OTLP ExportTraceServiceRequest
 * (opentelemetry/proto/collector/trace/v1/trace_service.proto) into the
 * OTLP/JSON shape, so the same normalizer handles both encodings.
 *
 * The schema is fixed and small, so it is written out by hand instead of
 * pulling in a protobuf runtime. Field numbers below are those of the
 * opentelemetry-proto .proto files. Unknown fields are skipped, as protobuf
 * requires, so newer senders keep working; a known field with the wrong wire
 * type, or truncated input, throws a descriptive Error.
 *
 * Conversions follow the OTLP/JSON conventions: trace and span ids become
 * lowercase hex, 64-bit times and int64 values become decimal strings, bytes
 * become base64.
 */
import type {
  OtlpAnyValue,
  OtlpEvent,
  OtlpInstrumentationScope,
  OtlpKeyValue,
  OtlpLink,
  OtlpResource,
  OtlpResourceSpans,
  OtlpScopeSpans,
  OtlpSpan,
  OtlpStatus,
  OtlpTraceRequest,
} from './otlp-json.js';
import { ObjectBudget } from './object-budget.js';
import { WireReader, WireType } from './wire-reader.js';
import type { Tag, WireTypeValue } from './wire-reader.js';

// Message nesting in this schema is shallow except for AnyValue, which can
// nest arrays and kvlists without limit; bound it so hostile input cannot
// exhaust the stack.
const MAX_VALUE_DEPTH = 32;

/**
 * The objects the request being decoded may still make. Decoding is
 * synchronous, so one module-level budget serves the request in progress.
 */
let budget = new ObjectBudget();

/** Throws an HttpError 413 as soon as the request holds more objects than `OBJECT_LIMITS` allows. */
export function decodeTraceRequest(bytes: Uint8Array): OtlpTraceRequest {
  budget = new ObjectBudget();
  const resourceSpans: OtlpResourceSpans[] = [];
  forEachField(new WireReader(bytes), 'ExportTraceServiceRequest', (tag, reader) => {
    if (tag.fieldNumber !== 1) return false;
    expectWireType(tag, WireType.LengthDelimited, 'ExportTraceServiceRequest.resource_spans');
    resourceSpans.push(decodeResourceSpans(reader.readMessage()));
    return true;
  });
  return { resourceSpans };
}

function decodeResourceSpans(reader: WireReader): OtlpResourceSpans {
  const scopeSpans: OtlpScopeSpans[] = [];
  const result: OtlpResourceSpans = { scopeSpans };
  forEachField(reader, 'ResourceSpans', (tag, r) => {
    switch (tag.fieldNumber) {
      case 1:
        expectWireType(tag, WireType.LengthDelimited, 'ResourceSpans.resource');
        result.resource = decodeResource(r.readMessage());
        return true;
      case 2:
        expectWireType(tag, WireType.LengthDelimited, 'ResourceSpans.scope_spans');
        scopeSpans.push(decodeScopeSpans(r.readMessage()));
        return true;
      case 3:
        expectWireType(tag, WireType.LengthDelimited, 'ResourceSpans.schema_url');
        result.schemaUrl = r.readString('ResourceSpans.schema_url');
        return true;
      default:
        return false;
    }
  });
  return result;
}

function decodeResource(reader: WireReader): OtlpResource {
  const attributes: OtlpKeyValue[] = [];
  const result: OtlpResource = { attributes };
  forEachField(reader, 'Resource', (tag, r) => {
    switch (tag.fieldNumber) {
      case 1:
        expectWireType(tag, WireType.LengthDelimited, 'Resource.attributes');
        attributes.push(decodeKeyValue(r.readMessage(), 0));
        return true;
      case 2:
        expectWireType(tag, WireType.Varint, 'Resource.dropped_attributes_count');
        result.droppedAttributesCount = readUint32(r);
        return true;
      default:
        return false;
    }
  });
  return result;
}

function decodeScopeSpans(reader: WireReader): OtlpScopeSpans {
  const spans: OtlpSpan[] = [];
  const result: OtlpScopeSpans = { spans };
  forEachField(reader, 'ScopeSpans', (tag, r) => {
    switch (tag.fieldNumber) {
      case 1:
        expectWireType(tag, WireType.LengthDelimited, 'ScopeSpans.scope');
        result.scope = decodeScope(r.readMessage());
        return true;
      case 2:
        expectWireType(tag, WireType.LengthDelimited, 'ScopeSpans.spans');
        budget.take('spans');
        spans.push(decodeSpan(r.readMessage()));
        return true;
      case 3:
        expectWireType(tag, WireType.LengthDelimited, 'ScopeSpans.schema_url');
        result.schemaUrl = r.readString('ScopeSpans.schema_url');
        return true;
      default:
        return false;
    }
  });
  return result;
}

function decodeScope(reader: WireReader): OtlpInstrumentationScope {
  const attributes: OtlpKeyValue[] = [];
  const result: OtlpInstrumentationScope = { attributes };
  forEachField(reader, 'InstrumentationScope', (tag, r) => {
    switch (tag.fieldNumber) {
      case 1:
        expectWireType(tag, WireType.LengthDelimited, 'InstrumentationScope.name');
        result.name = r.readString('InstrumentationScope.name');
        return true;
      case 2:
        expectWireType(tag, WireType.LengthDelimited, 'InstrumentationScope.version');
        result.version = r.readString('InstrumentationScope.version');
        return true;
      case 3:
        expectWireType(tag, WireType.LengthDelimited, 'InstrumentationScope.attributes');
        attributes.push(decodeKeyValue(r.readMessage(), 0));
        return true;
      default:
        return false;
    }
  });
  return result;
}

function decodeSpan(reader: WireReader): OtlpSpan {
  const attributes: OtlpKeyValue[] = [];
  const events: OtlpEvent[] = [];
  const links: OtlpLink[] = [];
  const span: OtlpSpan = { attributes, events, links };
  forEachField(reader, 'Span', (tag, r) => {
    switch (tag.fieldNumber) {
      case 1:
        expectWireType(tag, WireType.LengthDelimited, 'Span.trace_id');
        span.traceId = toHex(r.readBytes());
        return true;
      case 2:
        expectWireType(tag, WireType.LengthDelimited, 'Span.span_id');
        span.spanId = toHex(r.readBytes());
        return true;
      case 3:
        expectWireType(tag, WireType.LengthDelimited, 'Span.trace_state');
        span.traceState = r.readString('Span.trace_state');
        return true;
      case 4:
        expectWireType(tag, WireType.LengthDelimited, 'Span.parent_span_id');
        span.parentSpanId = toHex(r.readBytes());
        return true;
      case 5:
        expectWireType(tag, WireType.LengthDelimited, 'Span.name');
        span.name = r.readString('Span.name');
        return true;
      case 6:
        expectWireType(tag, WireType.Varint, 'Span.kind');
        span.kind = readEnum(r);
        return true;
      case 7:
        expectWireType(tag, WireType.Fixed64, 'Span.start_time_unix_nano');
        span.startTimeUnixNano = r.readFixed64().toString();
        return true;
      case 8:
        expectWireType(tag, WireType.Fixed64, 'Span.end_time_unix_nano');
        span.endTimeUnixNano = r.readFixed64().toString();
        return true;
      case 9:
        expectWireType(tag, WireType.LengthDelimited, 'Span.attributes');
        attributes.push(decodeKeyValue(r.readMessage(), 0));
        return true;
      case 10:
        expectWireType(tag, WireType.Varint, 'Span.dropped_attributes_count');
        span.droppedAttributesCount = readUint32(r);
        return true;
      case 11:
        expectWireType(tag, WireType.LengthDelimited, 'Span.events');
        budget.take('events');
        events.push(decodeEvent(r.readMessage()));
        return true;
      case 12:
        expectWireType(tag, WireType.Varint, 'Span.dropped_events_count');
        span.droppedEventsCount = readUint32(r);
        return true;
      case 13:
        expectWireType(tag, WireType.LengthDelimited, 'Span.links');
        budget.take('links');
        links.push(decodeLink(r.readMessage()));
        return true;
      case 14:
        expectWireType(tag, WireType.Varint, 'Span.dropped_links_count');
        span.droppedLinksCount = readUint32(r);
        return true;
      case 15:
        expectWireType(tag, WireType.LengthDelimited, 'Span.status');
        span.status = decodeStatus(r.readMessage());
        return true;
      case 16:
        expectWireType(tag, WireType.Fixed32, 'Span.flags');
        span.flags = r.readFixed32();
        return true;
      default:
        return false;
    }
  });
  return span;
}

function decodeEvent(reader: WireReader): OtlpEvent {
  const attributes: OtlpKeyValue[] = [];
  const event: OtlpEvent = { attributes };
  forEachField(reader, 'Span.Event', (tag, r) => {
    switch (tag.fieldNumber) {
      case 1:
        expectWireType(tag, WireType.Fixed64, 'Span.Event.time_unix_nano');
        event.timeUnixNano = r.readFixed64().toString();
        return true;
      case 2:
        expectWireType(tag, WireType.LengthDelimited, 'Span.Event.name');
        event.name = r.readString('Span.Event.name');
        return true;
      case 3:
        expectWireType(tag, WireType.LengthDelimited, 'Span.Event.attributes');
        attributes.push(decodeKeyValue(r.readMessage(), 0));
        return true;
      case 4:
        expectWireType(tag, WireType.Varint, 'Span.Event.dropped_attributes_count');
        event.droppedAttributesCount = readUint32(r);
        return true;
      default:
        return false;
    }
  });
  return event;
}

function decodeLink(reader: WireReader): OtlpLink {
  const attributes: OtlpKeyValue[] = [];
  const link: OtlpLink = { attributes };
  forEachField(reader, 'Span.Link', (tag, r) => {
    switch (tag.fieldNumber) {
      case 1:
        expectWireType(tag, WireType.LengthDelimited, 'Span.Link.trace_id');
        link.traceId = toHex(r.readBytes());
        return true;
      case 2:
        expectWireType(tag, WireType.LengthDelimited, 'Span.Link.span_id');
        link.spanId = toHex(r.readBytes());
        return true;
      case 3:
        expectWireType(tag, WireType.LengthDelimited, 'Span.Link.trace_state');
        link.traceState = r.readString('Span.Link.trace_state');
        return true;
      case 4:
        expectWireType(tag, WireType.LengthDelimited, 'Span.Link.attributes');
        attributes.push(decodeKeyValue(r.readMessage(), 0));
        return true;
      case 5:
        expectWireType(tag, WireType.Varint, 'Span.Link.dropped_attributes_count');
        link.droppedAttributesCount = readUint32(r);
        return true;
      case 6:
        expectWireType(tag, WireType.Fixed32, 'Span.Link.flags');
        link.flags = r.readFixed32();
        return true;
      default:
        return false;
    }
  });
  return link;
}

function decodeStatus(reader: WireReader): OtlpStatus {
  const status: OtlpStatus = {};
  forEachField(reader, 'Status', (tag, r) => {
    switch (tag.fieldNumber) {
      // Field 1 is reserved (the deprecated_code of old OTLP versions).
      case 2:
        expectWireType(tag, WireType.LengthDelimited, 'Status.message');
        status.message = r.readString('Status.message');
        return true;
      case 3:
        expectWireType(tag, WireType.Varint, 'Status.code');
        status.code = readEnum(r);
        return true;
      default:
        return false;
    }
  });
  return status;
}

function decodeKeyValue(reader: WireReader, depth: number): OtlpKeyValue {
  budget.take('attributes');
  const keyValue: OtlpKeyValue = {};
  forEachField(reader, 'KeyValue', (tag, r) => {
    switch (tag.fieldNumber) {
      case 1:
        expectWireType(tag, WireType.LengthDelimited, 'KeyValue.key');
        keyValue.key = r.readString('KeyValue.key');
        return true;
      case 2:
        expectWireType(tag, WireType.LengthDelimited, 'KeyValue.value');
        keyValue.value = decodeAnyValue(r.readMessage(), depth + 1);
        return true;
      default:
        return false;
    }
  });
  return keyValue;
}

function decodeAnyValue(reader: WireReader, depth: number): OtlpAnyValue {
  if (depth > MAX_VALUE_DEPTH) {
    throw new Error(`AnyValue nested deeper than ${MAX_VALUE_DEPTH} levels at offset ${reader.offset}`);
  }
  // A oneof: when a sender sets several members, the last one wins.
  let value: OtlpAnyValue = {};
  forEachField(reader, 'AnyValue', (tag, r) => {
    switch (tag.fieldNumber) {
      case 1:
        expectWireType(tag, WireType.LengthDelimited, 'AnyValue.string_value');
        value = { stringValue: r.readString('AnyValue.string_value') };
        return true;
      case 2:
        expectWireType(tag, WireType.Varint, 'AnyValue.bool_value');
        value = { boolValue: r.readVarint64() !== 0n };
        return true;
      case 3:
        expectWireType(tag, WireType.Varint, 'AnyValue.int_value');
        // int64 travels as the two's-complement bits in a varint.
        value = { intValue: BigInt.asIntN(64, r.readVarint64()).toString() };
        return true;
      case 4:
        expectWireType(tag, WireType.Fixed64, 'AnyValue.double_value');
        value = { doubleValue: r.readDouble() };
        return true;
      case 5: {
        expectWireType(tag, WireType.LengthDelimited, 'AnyValue.array_value');
        const values: OtlpAnyValue[] = [];
        forEachField(r.readMessage(), 'ArrayValue', (inner, ir) => {
          if (inner.fieldNumber !== 1) return false;
          expectWireType(inner, WireType.LengthDelimited, 'ArrayValue.values');
          budget.take('attributes');
          values.push(decodeAnyValue(ir.readMessage(), depth + 1));
          return true;
        });
        value = { arrayValue: { values } };
        return true;
      }
      case 6: {
        expectWireType(tag, WireType.LengthDelimited, 'AnyValue.kvlist_value');
        const values: OtlpKeyValue[] = [];
        forEachField(r.readMessage(), 'KeyValueList', (inner, ir) => {
          if (inner.fieldNumber !== 1) return false;
          expectWireType(inner, WireType.LengthDelimited, 'KeyValueList.values');
          values.push(decodeKeyValue(ir.readMessage(), depth + 1));
          return true;
        });
        value = { kvlistValue: { values } };
        return true;
      }
      case 7:
        expectWireType(tag, WireType.LengthDelimited, 'AnyValue.bytes_value');
        value = { bytesValue: Buffer.from(r.readBytes()).toString('base64') };
        return true;
      default:
        return false;
    }
  });
  return value;
}

/**
 * Reads every field of one message. `handle` consumes the fields it knows and
 * returns false for the rest, which are skipped.
 */
function forEachField(reader: WireReader, message: string, handle: (tag: Tag, reader: WireReader) => boolean): void {
  while (!reader.done) {
    const tag = reader.readTag();
    if (tag.wireType === WireType.EndGroup) {
      throw new Error(`unexpected end-group marker for field ${tag.fieldNumber} in ${message} at offset ${reader.offset}`);
    }
    if (!handle(tag, reader)) {
      reader.skip(tag);
    }
  }
}

const wireTypeNames: Record<WireTypeValue, string> = {
  0: 'varint',
  1: 'fixed64',
  2: 'length-delimited',
  3: 'start-group',
  4: 'end-group',
  5: 'fixed32',
};

function expectWireType(tag: Tag, expected: WireTypeValue, field: string): void {
  if (tag.wireType !== expected) {
    throw new Error(
      `${field} (field ${tag.fieldNumber}) has wire type ${wireTypeNames[tag.wireType]}, expected ${wireTypeNames[expected]}`,
    );
  }
}

/** Enums are int32 on the wire; negative values arrive sign-extended to 64 bits. */
function readEnum(reader: WireReader): number {
  return Number(BigInt.asIntN(32, reader.readVarint64()));
}

function readUint32(reader: WireReader): number {
  return Number(BigInt.asUintN(32, reader.readVarint64()));
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
}
