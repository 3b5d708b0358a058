import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { AttributeValue, HrTime } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formatSpan, shouldUseColor } from '../src/receiver/format.js';
import { decodeTraceRequest } from '../src/receiver/protobuf.js';
import { startReceiver } from '../src/receiver/server.js';
import type { Receiver } from '../src/receiver/server.js';
import { normalizeTraceRequest } from '../src/receiver/spans.js';
import type { ReceivedSpan } from '../src/receiver/spans.js';
import { sendRequest } from './support/http-request.js';
import { isolateFromOtelEnv } from './support/otel-env.js';
import { createStockPipeline } from './support/stock-pipeline.js';
import type { Compression, Encoding } from './support/stock-pipeline.js';

let restoreEnv: () => void;
beforeAll(() => {
  restoreEnv = isolateFromOtelEnv();
});
afterAll(() => restoreEnv());

// Every receiver a test starts is closed afterwards, pass or fail.
const openReceivers: Receiver[] = [];
async function receiver(options: Parameters<typeof startReceiver>[0] = {}): Promise<Receiver> {
  const started = await startReceiver({ port: 0, ...options });
  openReceivers.push(started);
  return started;
}
afterEach(async () => {
  await Promise.all(openReceivers.splice(0).map((r) => r.close()));
});

const RESOURCE = { 'service.name': 'receiver-test', 'service.version': '0.0.1', 'host.cpu.count': 8 };
const SCOPE = { name: 'receiver-test-scope', version: '1.2.3' };

const CHILD_ATTRIBUTES = {
  'attr.string': 'hello',
  'attr.empty': '',
  'attr.int': 42,
  'attr.negative': -7,
  'attr.big': 2 ** 60,
  'attr.double': 3.25,
  'attr.bool': true,
  'attr.false': false,
  'attr.strings': ['a', 'b'],
  'attr.ints': [1, 2, 3],
  'attr.doubles': [0.5, -1.5],
  'attr.bools': [true, false],
};

/** CHILD_ATTRIBUTES as the receiver reports them: 2^60 is past 2^53, so it is a string. */
const CHILD_ATTRIBUTES_RECEIVED = { ...CHILD_ATTRIBUTES, 'attr.big': '1152921504606846976' };

const t = (seconds: number, nanos: number): HrTime => [seconds, nanos];

/**
 * Records three spans on `provider` (a parent, a failing child with an event,
 * a root span with a link) and returns what the receiver should report, in
 * the order a BatchSpanProcessor exports them (the order they ended).
 */
function recordScenario(provider: BasicTracerProvider): ReceivedSpan[] {
  const tracer = provider.getTracer(SCOPE.name, SCOPE.version);
  const parent = tracer.startSpan(
    'parent',
    { kind: SpanKind.SERVER, startTime: t(1_700_000_000, 123_456_789), attributes: { 'http.route': '/build' } },
    ROOT_CONTEXT,
  );
  const child = tracer.startSpan(
    'child',
    { startTime: t(1_700_000_000, 200_000_000), attributes: CHILD_ATTRIBUTES },
    trace.setSpan(ROOT_CONTEXT, parent),
  );
  child.addEvent('checkpoint', { 'event.note': 'halfway', 'event.count': 7 }, t(1_700_000_000, 500_000_000));
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'it broke' });
  child.end(t(1_700_000_000, 900_000_001));
  parent.end(t(1_700_000_001, 0));
  const linked = tracer.startSpan(
    'linked',
    {
      kind: SpanKind.CLIENT,
      startTime: t(1_700_000_002, 0),
      links: [{ context: parent.spanContext(), attributes: { 'link.reason': 'follows' } }],
    },
    ROOT_CONTEXT,
  );
  linked.setStatus({ code: SpanStatusCode.OK });
  linked.end(t(1_700_000_002, 5));

  const common = { resource: RESOURCE, scope: SCOPE };
  return [
    {
      name: 'child',
      traceId: parent.spanContext().traceId,
      spanId: child.spanContext().spanId,
      parentSpanId: parent.spanContext().spanId,
      kind: 1,
      startTimeUnixNano: '1700000000200000000',
      endTimeUnixNano: '1700000000900000001',
      attributes: CHILD_ATTRIBUTES_RECEIVED,
      events: [
        { name: 'checkpoint', timeUnixNano: '1700000000500000000', attributes: { 'event.note': 'halfway', 'event.count': 7 } },
      ],
      links: [],
      status: { code: 2, message: 'it broke' },
      ...common,
    },
    {
      name: 'parent',
      traceId: parent.spanContext().traceId,
      spanId: parent.spanContext().spanId,
      parentSpanId: '',
      kind: 2,
      startTimeUnixNano: '1700000000123456789',
      endTimeUnixNano: '1700000001000000000',
      attributes: { 'http.route': '/build' },
      events: [],
      links: [],
      status: { code: 0 },
      ...common,
    },
    {
      name: 'linked',
      traceId: linked.spanContext().traceId,
      spanId: linked.spanContext().spanId,
      parentSpanId: '',
      kind: 3,
      startTimeUnixNano: '1700000002000000000',
      endTimeUnixNano: '1700000002000000005',
      attributes: {},
      events: [],
      links: [
        {
          traceId: parent.spanContext().traceId,
          spanId: parent.spanContext().spanId,
          attributes: { 'link.reason': 'follows' },
        },
      ],
      status: { code: 1 },
      ...common,
    },
  ];
}

/** Sends the scenario through a stock pipeline; returns the expected spans. */
async function exportScenario(tracesUrl: string, encoding: Encoding, compression: Compression): Promise<ReceivedSpan[]> {
  const pipeline = createStockPipeline({ tracesUrl, encoding, compression, resource: RESOURCE });
  try {
    const expected = recordScenario(pipeline.provider);
    await pipeline.flush();
    expect(pipeline.results).toHaveLength(1);
    expect(pipeline.results[0]?.code, String(pipeline.results[0]?.error)).toBe(ExportResultCode.SUCCESS);
    return expected;
  } finally {
    await pipeline.shutdown();
  }
}

/** Finished spans in memory, for feeding the serializers directly. */
function readableSpans(record: (provider: BasicTracerProvider) => void): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(RESOURCE),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  record(provider);
  return memory.getFinishedSpans();
}

function protobufOf(spans: ReadableSpan[]): Buffer {
  const bytes = ProtobufTraceSerializer.serializeRequest(spans);
  if (bytes === undefined) throw new Error('the protobuf serializer produced nothing');
  return Buffer.from(bytes);
}

function jsonOf(spans: ReadableSpan[]): unknown {
  const bytes = JsonTraceSerializer.serializeRequest(spans);
  if (bytes === undefined) throw new Error('the JSON serializer produced nothing');
  return JSON.parse(Buffer.from(bytes).toString('utf8'));
}

describe.each([
  ['json', 'none'],
  ['json', 'gzip'],
  ['protobuf', 'none'],
  ['protobuf', 'gzip'],
] as const)('stock %s exporter, compression %s', (encoding, compression) => {
  it('delivers spans whose every field matches what was recorded', async () => {
    const r = await receiver();
    const expected = await exportScenario(r.tracesUrl, encoding, compression);

    const spans = await r.waitFor((received) => received.length >= 3);
    expect(spans).toStrictEqual(expected);
    expect(r.spans).toStrictEqual(expected);
  });

  it('keeps the raw request as sent', async () => {
    const r = await receiver();
    await exportScenario(r.tracesUrl, encoding, compression);

    expect(r.requests).toHaveLength(1);
    const request = r.requests[0];
    expect(request?.contentType).toBe(encoding === 'json' ? 'application/json' : 'application/x-protobuf');
    expect(request?.headers['user-agent']).toMatch(/OTel-OTLP-Exporter-JavaScript/);
    if (compression === 'gzip') {
      expect(request?.headers['content-encoding']).toBe('gzip');
      // The gzip magic number: the body is kept compressed, as received.
      expect([...(request?.body.subarray(0, 2) ?? [])]).toEqual([0x1f, 0x8b]);
    } else {
      expect(request?.headers['content-encoding']).toBeUndefined();
    }
  });
});

describe('decoding and normalizing', () => {
  it('normalizes the JSON and protobuf encodings of the same spans identically', () => {
    const spans = readableSpans((provider) => recordScenario(provider));
    const fromProtobuf = normalizeTraceRequest(decodeTraceRequest(protobufOf(spans)));
    const fromJson = normalizeTraceRequest(jsonOf(spans));
    expect(fromProtobuf).toHaveLength(3);
    expect(fromProtobuf).toStrictEqual(fromJson);
  });

  it('maps kvlist and bytes values, which the API cannot set but OTLP can carry', () => {
    const [span] = readableSpans((provider) => provider.getTracer('t').startSpan('s', {}, ROOT_CONTEXT).end());
    if (span === undefined) throw new Error('no span recorded');
    // The serializers accept these values even though the API types do not.
    const extra = {
      nested: { a: 1, b: 'x', deeper: [true, 2.5] },
      raw: new Uint8Array([1, 2, 3]),
    } as unknown as Record<string, AttributeValue>;
    const widened = Object.create(span) as ReadableSpan;
    Object.defineProperty(widened, 'attributes', { value: extra });

    const expected = { nested: { a: 1, b: 'x', deeper: [true, 2.5] }, raw: 'AQID' };
    expect(normalizeTraceRequest(decodeTraceRequest(protobufOf([widened])))[0]?.attributes).toStrictEqual(expected);
    expect(normalizeTraceRequest(jsonOf([widened]))[0]?.attributes).toStrictEqual(expected);
  });

  it('skips unknown fields of every wire type, including groups', () => {
    const body = protobufOf(readableSpans((provider) => recordScenario(provider)));
    // Tags are (field number << 3) | wire type; fields 9-15 are unknown at the top level.
    const unknown = Buffer.from([
      ...[(15 << 3) | 0, 0x05], // varint
      ...[0xf8, 0x06, 0x01], // field 111 (a two-byte tag), varint 1
      ...[(14 << 3) | 3, 0x08, 0x01, (13 << 3) | 3, (13 << 3) | 4, (14 << 3) | 4], // nested groups
      ...[(13 << 3) | 5, 1, 2, 3, 4], // fixed32
      ...[(12 << 3) | 1, 1, 2, 3, 4, 5, 6, 7, 8], // fixed64
      ...[(11 << 3) | 2, 0x03, 0x78, 0x79, 0x7a], // length-delimited "xyz"
    ]);
    expect(decodeTraceRequest(Buffer.concat([unknown, body, unknown]))).toStrictEqual(decodeTraceRequest(body));
  });

  it('rejects every truncation of a valid protobuf body with a descriptive error', () => {
    const body = protobufOf(readableSpans((provider) => recordScenario(provider)));
    for (let length = 1; length < body.length; length++) {
      expect(() => decodeTraceRequest(body.subarray(0, length)), `prefix of ${length} bytes`).toThrow(/truncated/);
    }
  });

  it('rejects known fields with the wrong wire type and invalid wire types', () => {
    expect(() => decodeTraceRequest(Buffer.from([0x08, 0x01]))).toThrow(
      'ExportTraceServiceRequest.resource_spans (field 1) has wire type varint, expected length-delimited',
    );
    expect(() => decodeTraceRequest(Buffer.from([0x0f]))).toThrow(/invalid wire type 7/);
    expect(() => decodeTraceRequest(Buffer.from([0x00]))).toThrow(/invalid field number 0/);
    expect(() => decodeTraceRequest(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]))).toThrow(
      /varint longer than 10 bytes/,
    );
    // A group that never ends.
    expect(() => decodeTraceRequest(Buffer.from([(9 << 3) | 3, 0x08, 0x01]))).toThrow(/no end-group marker/);
  });

  it('turns arbitrary bytes into either a request or an Error, never anything else', () => {
    // A fixed-seed generator keeps the test reproducible.
    let seed = 0x2545f491;
    const random = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 2 ** 32;
    };
    const valid = protobufOf(readableSpans((provider) => recordScenario(provider)));
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.from(valid);
      // Flip a few bytes of a valid body: mostly-valid input reaches deeper.
      for (let flips = 1 + Math.floor(random() * 4); flips > 0; flips--) {
        bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      }
      try {
        normalizeTraceRequest(decodeTraceRequest(bytes));
      } catch (error) {
        expect(error).toBeInstanceOf(Error);
        expect((error as Error).message).not.toBe('');
      }
    }
  });

  it('accepts the looser JSON some senders produce: base64 ids, string ints, numeric times, enum names', () => {
    const [span] = normalizeTraceRequest({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
          scopeSpans: [
            {
              scope: { name: 's' },
              spans: [
                {
                  traceId: Buffer.from('0102030405060708090a0b0c0d0e0f10', 'hex').toString('base64'),
                  spanId: Buffer.from('1112131415161718', 'hex').toString('base64'),
                  parentSpanId: '2122232425262728',
                  name: 'loose',
                  kind: 'SPAN_KIND_PRODUCER',
                  startTimeUnixNano: 1_700_000_000_000,
                  endTimeUnixNano: '1700000000000000500',
                  attributes: [
                    { key: 'small', value: { intValue: '12' } },
                    { key: 'huge', value: { intValue: '-9223372036854775808' } },
                    { key: 'nan', value: { doubleValue: 'NaN' } },
                    { key: 'empty', value: {} },
                    { key: '__proto__', value: { stringValue: 'just data' } },
                  ],
                  status: { code: 'STATUS_CODE_ERROR' },
                },
              ],
            },
          ],
        },
      ],
    });
    expect(span).toMatchObject({
      traceId: '0102030405060708090a0b0c0d0e0f10',
      spanId: '1112131415161718',
      parentSpanId: '2122232425262728',
      kind: 4,
      startTimeUnixNano: '1700000000000',
      endTimeUnixNano: '1700000000000000500',
      status: { code: 2 },
      resource: { 'service.name': 'svc' },
      scope: { name: 's' },
    });
    expect(span?.attributes['small']).toBe(12);
    expect(span?.attributes['huge']).toBe('-9223372036854775808');
    expect(span?.attributes['nan']).toBeNaN();
    expect(span?.attributes['empty']).toBeNull();
    expect(Object.keys(span?.attributes ?? {})).toContain('__proto__');
    expect(Object.getPrototypeOf(span?.attributes)).toBe(Object.prototype);
  });

  it('rejects nonsense with the path of the offending value', () => {
    const spanWith = (fields: Record<string, unknown>) => ({
      resourceSpans: [
        { scopeSpans: [{ spans: [{ traceId: '0102030405060708090a0b0c0d0e0f10', spanId: '1112131415161718', ...fields }] }] },
      ],
    });
    expect(() => normalizeTraceRequest([])).toThrow('request: expected an object, got array');
    expect(() => normalizeTraceRequest({ resourceSpans: 5 })).toThrow('request.resourceSpans: expected an array, got number');
    expect(() => normalizeTraceRequest({ resourceSpans: [{ scopeSpans: [{ spans: 'x' }] }] })).toThrow(
      'resourceSpans[0].scopeSpans[0].spans: expected an array, got string',
    );
    expect(() => normalizeTraceRequest(spanWith({ traceId: 'abc' }))).toThrow(
      'resourceSpans[0].scopeSpans[0].spans[0].traceId: expected a 16-byte id as hex or base64, got "abc"',
    );
    expect(() => normalizeTraceRequest(spanWith({ traceId: undefined }))).toThrow(/traceId: expected a 16-byte id/);
    expect(() => normalizeTraceRequest(spanWith({ startTimeUnixNano: '-5' }))).toThrow(/startTimeUnixNano: expected unsigned/);
    expect(() => normalizeTraceRequest(spanWith({ attributes: [{ key: 'k', value: { intValue: 1.5 } }] }))).toThrow(
      'resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.intValue: expected an integer, got 1.5',
    );
    expect(() => normalizeTraceRequest(spanWith({ attributes: [{ key: 'k', value: { boolValue: 'yes' } }] }))).toThrow(
      /attributes\[0\]\.value\.boolValue: expected a boolean, got string/,
    );
    expect(() => normalizeTraceRequest(spanWith({ status: { code: 'BROKEN' } }))).toThrow(/status\.code: expected an enum/);
  });
});

describe('HTTP handling of bad requests', () => {
  const expectOneLine = (text: string) => expect(text).toMatch(/^[^\n]+\n$/);

  it('answers each kind of bad request with its status and a one-line reason, and keeps serving', async () => {
    const r = await receiver({ maxBodyBytes: 8192 });
    const json = { 'content-type': 'application/json' };
    const protobuf = { 'content-type': 'application/x-protobuf' };
    const valid = protobufOf(readableSpans((provider) => recordScenario(provider)));
    const cases: { name: string; url?: string; method?: string; headers?: Record<string, string>; body?: Buffer | string; chunks?: Buffer[]; status: number; reason: RegExp }[] = [
      { name: 'wrong path', url: `${r.url}/v1/metrics`, headers: json, body: '{}', status: 404, reason: /^not found: \/v1\/metrics/ },
      { name: 'root path', url: `${r.url}/`, method: 'GET', status: 404, reason: /not found/ },
      { name: 'GET', method: 'GET', status: 405, reason: /method GET not allowed/ },
      { name: 'wrong content type', headers: { 'content-type': 'text/plain' }, body: 'hi', status: 415, reason: /unsupported content-type "text\/plain"/ },
      { name: 'no content type', body: '{}', status: 415, reason: /unsupported content-type ""/ },
      { name: 'unknown encoding', headers: { ...json, 'content-encoding': 'zstd' }, body: '{}', status: 415, reason: /unsupported content-encoding "zstd"/ },
      { name: 'malformed JSON', headers: json, body: '{"resourceSpans": [', status: 400, reason: /^invalid JSON: / },
      { name: 'empty JSON body', headers: json, body: '', status: 400, reason: /^invalid JSON: / },
      { name: 'JSON of the wrong shape', headers: json, body: '{"resourceSpans": {}}', status: 400, reason: /^request\.resourceSpans: expected an array, got object/ },
      { name: 'garbage protobuf', headers: protobuf, body: Buffer.from('this is not protobuf at all'), status: 400, reason: /^invalid protobuf: / },
      { name: 'truncated protobuf', headers: protobuf, body: valid.subarray(0, valid.length - 7), status: 400, reason: /^invalid protobuf: truncated/ },
      { name: 'body that is not gzip', headers: { ...json, 'content-encoding': 'gzip' }, body: '{}', status: 400, reason: /^invalid gzip body: / },
      { name: 'oversized body', headers: json, body: Buffer.alloc(20_000, 0x20), status: 413, reason: /^request body exceeds the limit of 8192 bytes/ },
      { name: 'oversized chunked body', headers: json, chunks: [Buffer.alloc(5000, 0x20), Buffer.alloc(5000, 0x20)], status: 413, reason: /^request body exceeds the limit of 8192 bytes/ },
      { name: 'gzip bomb', headers: { ...json, 'content-encoding': 'gzip' }, body: gzipSync(Buffer.alloc(1_000_000, 0x20)), status: 413, reason: /^decompressed request body exceeds the limit of 8192 bytes/ },
    ];
    for (const c of cases) {
      const response = await sendRequest(c.url ?? r.tracesUrl, {
        method: c.method ?? 'POST',
        headers: c.headers ?? {},
        ...(c.body === undefined ? {} : { body: c.body }),
        ...(c.chunks === undefined ? {} : { chunks: c.chunks }),
      });
      expect({ name: c.name, status: response.status }).toEqual({ name: c.name, status: c.status });
      expect(response.text, c.name).toMatch(c.reason);
      expectOneLine(response.text);
      expect(response.headers['content-type'], c.name).toBe('text/plain; charset=utf-8');
      if (c.status === 405) expect(response.headers['allow']).toBe('POST');
    }

    // Still serving: the stock exporter gets through, and nothing bad was recorded.
    expect(r.spans).toHaveLength(0);
    const expected = await exportScenario(r.tracesUrl, 'json', 'none');
    expect(r.spans).toStrictEqual(expected);
  });

  it('accepts deflate, raw deflate and br bodies, application/protobuf, and JSON with a byte-order mark', async () => {
    const r = await receiver();
    const spans = readableSpans((provider) => recordScenario(provider));
    const protobuf = protobufOf(spans);
    const json = Buffer.from(JSON.stringify(jsonOf(spans)));
    const cases: { headers: Record<string, string>; body: Buffer }[] = [
      { headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'deflate' }, body: deflateSync(protobuf) },
      { headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'deflate' }, body: deflateRawSync(protobuf) },
      { headers: { 'content-type': 'application/protobuf', 'content-encoding': 'br' }, body: brotliCompressSync(protobuf) },
      { headers: { 'content-type': 'application/json; charset=utf-8' }, body: Buffer.concat([Buffer.from('\uFEFF'), json]) },
    ];
    for (const c of cases) {
      const response = await sendRequest(r.tracesUrl, { headers: c.headers, body: c.body });
      expect(response.status, JSON.stringify(c.headers)).toBe(200);
      if (c.headers['content-type']?.startsWith('application/json')) {
        expect(response.headers['content-type']).toBe('application/json');
        expect(response.text).toBe('{}');
      } else {
        expect(response.headers['content-type']).toBe('application/x-protobuf');
        expect(response.text).toBe('');
      }
    }
    const expected = normalizeTraceRequest(jsonOf(spans));
    expect(r.spans).toStrictEqual([...expected, ...expected, ...expected, ...expected]);
  });

  it('shrugs off a client that disconnects halfway through its upload', async () => {
    const r = await receiver();
    await new Promise<void>((resolve) => {
      const request = httpRequest(r.tracesUrl, {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': '1000' },
      });
      request.on('error', () => resolve());
      request.on('close', () => resolve());
      request.write('{"resourceSpans": [', () => request.destroy());
    });
    const expected = await exportScenario(r.tracesUrl, 'protobuf', 'gzip');
    expect(r.spans).toStrictEqual(expected);
  });
});

describe('receiver lifecycle', () => {
  it('resolves waitFor with spans that already arrived and with spans still to come', async () => {
    const r = await receiver();
    const pending = r.waitFor((spans) => spans.some((span) => span.name === 'linked'));
    const expected = await exportScenario(r.tracesUrl, 'json', 'gzip');
    await expect(pending).resolves.toStrictEqual(expected);
    await expect(r.waitFor((spans) => spans.length === 3)).resolves.toStrictEqual(expected);
  });

  it('rejects waitFor with a clear message on timeout, and pending waits on close', async () => {
    const r = await receiver();
    await expect(r.waitFor((spans) => spans.length > 0, 50)).rejects.toThrow(
      'waitFor timed out after 50 ms; 0 span(s) received so far',
    );
    const pending = r.waitFor(() => false);
    await r.close();
    await expect(pending).rejects.toThrow(/closed before the awaited spans arrived/);
    await r.close(); // a second close is harmless
  });

  it('reports batches to onSpans and survives an onSpans that throws', async () => {
    const batches: ReceivedSpan[][] = [];
    const errors: Error[] = [];
    const r = await receiver({
      onSpans: (spans) => {
        batches.push(spans);
        throw new Error('listener bug');
      },
      onError: (error) => errors.push(error),
    });
    const expected = await exportScenario(r.tracesUrl, 'protobuf', 'none');
    expect(batches).toStrictEqual([expected]);
    expect(errors.map((error) => error.message)).toEqual(['listener bug']);
  });

  it('keeps nothing in memory with retain: false', async () => {
    const batches: ReceivedSpan[][] = [];
    const r = await receiver({ retain: false, onSpans: (spans) => batches.push(spans) });
    await exportScenario(r.tracesUrl, 'json', 'none');
    expect(batches.flat()).toHaveLength(3);
    expect(r.spans).toHaveLength(0);
    expect(r.requests).toHaveLength(0);
  });

  it('appends one JSON object per span to the jsonl file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'optel-receiver-'));
    try {
      const file = join(dir, 'spans.jsonl');
      const r = await receiver({ jsonl: file });
      const first = await exportScenario(r.tracesUrl, 'json', 'none');
      const second = await exportScenario(r.tracesUrl, 'protobuf', 'gzip');

      const text = await readFile(file, 'utf8');
      expect(text.endsWith('\n')).toBe(true);
      const lines = text.trimEnd().split('\n');
      expect(lines).toHaveLength(6);
      const parsed = lines.map((line) => JSON.parse(line) as ReceivedSpan);
      expect(parsed).toStrictEqual([...first, ...second]);
      expect(Object.keys(parsed[0] ?? {})).toEqual([
        'name',
        'traceId',
        'spanId',
        'parentSpanId',
        'kind',
        'startTimeUnixNano',
        'endTimeUnixNano',
        'attributes',
        'events',
        'links',
        'status',
        'resource',
        'scope',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails to start, clearly, when the jsonl file cannot be written or the port is taken', async () => {
    await expect(startReceiver({ port: 0, jsonl: join(tmpdir(), 'optel-no-such-dir', 'x', 'spans.jsonl') })).rejects.toThrow(
      /cannot write the JSON lines file .*spans\.jsonl: ENOENT/,
    );

    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = blocker.address() as AddressInfo;
      await expect(startReceiver({ port })).rejects.toThrow(`cannot listen on 127.0.0.1:${port}: address already in use`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('reports its base URL and traces endpoint', async () => {
    const r = await receiver();
    expect(r.port).toBeGreaterThan(0);
    expect(r.url).toBe(`http://127.0.0.1:${r.port}`);
    expect(r.tracesUrl).toBe(`http://127.0.0.1:${r.port}/v1/traces`);
  });
});

describe('terminal format', () => {
  const base: ReceivedSpan = {
    name: 'build',
    traceId: '0102030405060708090a0b0c0d0e0f10',
    spanId: '1112131415161718',
    parentSpanId: '',
    kind: 1,
    startTimeUnixNano: '1700000000000000000',
    endTimeUnixNano: '1700000000410000000',
    attributes: {},
    events: [],
    links: [],
    status: { code: 0 },
    resource: { 'service.name': 'my-cli' },
    scope: { name: 'optel' },
  };
  const span = (overrides: Partial<ReceivedSpan>): ReceivedSpan => ({ ...base, ...overrides });
  const plain = (s: ReceivedSpan) => formatSpan(s, { color: false });

  it('shows optel lifecycle spans by what they mean', () => {
    expect(plain(span({ attributes: { 'optel.lifecycle': 'started', 'cli.command': 'build' } }))).toBe(
      '▶ build  started  {cli.command=build}',
    );
    expect(
      plain(
        span({
          endTimeUnixNano: '1700000001230000000',
          attributes: { 'optel.lifecycle': 'completed', 'optel.outcome': 'success', 'process.exit.code': 0, 'cli.command': 'build' },
        }),
      ),
    ).toBe('✔ build  completed  success  1.23 s  exit=0  {cli.command=build}');
    expect(
      plain(
        span({
          attributes: { 'optel.lifecycle': 'completed', 'optel.outcome': 'failure', 'process.exit.code': 1, 'error.type': 'TypeError' },
          status: { code: 2, message: 'x is not a function' },
        }),
      ),
    ).toBe('✘ build  completed  failure  0.41 s  exit=1  error=TypeError  "x is not a function"');
    expect(
      plain(span({ attributes: { 'optel.lifecycle': 'completed', 'optel.outcome': 'aborted', 'process.exit.code': 130 } })),
    ).toBe('■ build  completed  aborted  0.41 s  exit=130');
  });

  it('indents steps and shows other spans generically', () => {
    expect(plain(span({ name: 'compile', parentSpanId: '2122232425262728', endTimeUnixNano: '1700000000200000000' }))).toBe(
      '  · compile  step  0.20 s',
    );
    expect(
      plain(span({ name: 'lint', parentSpanId: '2122232425262728', status: { code: 2, message: '3 problems' } })),
    ).toBe('  ✘ lint  step  0.41 s  "3 problems"');
    expect(
      plain(span({ name: 'GET /users', endTimeUnixNano: '1700000000012500000', attributes: { 'http.method': 'GET', n: [1, 2] } })),
    ).toBe('• GET /users  12.5 ms  {http.method=GET, n=[1,2]}');
  });

  it('keeps long attribute lists and values short', () => {
    const attributes: Record<string, unknown> = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, i]));
    attributes['k0'] = 'x'.repeat(100);
    const line = plain(span({ attributes }));
    expect(line).toContain(`{k0=${'x'.repeat(39)}…, k1=1,`);
    expect(line).toMatch(/k7=7, …\+2\}$/);
  });

  it('never lets a sender put control characters on the terminal', () => {
    const line = plain(span({ name: 'evil\u001b[2J\nname', attributes: { 'key\r': 'va\nlue' } }));
    expect(line).not.toMatch(/\p{Cc}/u);
    expect(line).toBe('• evil\\x1b[2J\\x0aname  0.41 s  {key\\x0d="va\\nlue"}');
  });

  it('colours only when asked, and only on a TTY without NO_COLOR', () => {
    expect(formatSpan(span({ attributes: { 'optel.lifecycle': 'started' } }), { color: true })).toBe(
      '\u001b[36m▶\u001b[39m \u001b[1mbuild\u001b[22m  started',
    );
    expect(shouldUseColor({ isTTY: true }, {})).toBe(true);
    expect(shouldUseColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(shouldUseColor({ isTTY: true }, { NO_COLOR: '' })).toBe(false);
    expect(shouldUseColor({ isTTY: false }, {})).toBe(false);
    expect(shouldUseColor({}, {})).toBe(false);
  });
});
