/**
 * An embedded OTLP/HTTP trace receiver: enough of a collector to see, test
 * and record what an application exports, with nothing but node built-ins.
 *
 * It serves POST /v1/traces in both OTLP encodings (application/json and
 * application/x-protobuf), optionally gzip/deflate/br compressed, and answers
 * everything else with a status code and a one-line plain-text reason. No
 * input, however broken, is allowed to crash it.
 *
 * URL convention: `url` is the base (`http://127.0.0.1:4318`), which is what
 * OTEL_EXPORTER_OTLP_ENDPOINT expects; `tracesUrl` is the full traces
 * endpoint (`…/v1/traces`), which is what an exporter's `url` option and
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT expect.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpError } from './http-error.js';
import { JsonlWriter } from './jsonl-writer.js';
import { checkJsonObjectCount, checkJsonRequest } from './object-budget.js';
import { decodeTraceRequest } from './protobuf.js';
import { decodeContentEncoding, isSupportedContentEncoding, readRequestBody } from './request-body.js';
import { SpanWaiters } from './span-waiters.js';
import { normalizeTraceRequest } from './spans.js';
import type { ReceivedSpan } from './spans.js';

export const TRACES_PATH = '/v1/traces';
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 4318;
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
export const DEFAULT_WAIT_TIMEOUT_MS = 10_000;

const JSON_TYPE = 'application/json';
const PROTOBUF_TYPE = 'application/x-protobuf';
// Some senders use the newer registered name; the bytes are the same.
const PROTOBUF_TYPES = new Set([PROTOBUF_TYPE, 'application/protobuf']);

export interface ReceiverOptions {
  /** Interface to listen on. Default 127.0.0.1: telemetry stays on this machine. */
  host?: string | undefined;
  /** Default 4318, the OTLP/HTTP port; 0 picks a free one (read it back from `port`). */
  port?: number | undefined;
  /** Append every received span to this file as one JSON object per line. */
  jsonl?: string | undefined;
  /** Called with each accepted batch, after it was recorded (and written to `jsonl`). */
  onSpans?: ((spans: ReceivedSpan[]) => void) | undefined;
  /** Problems that do not fail a request: a throwing onSpans, a failed jsonl append, a server error. */
  onError?: ((error: Error) => void) | undefined;
  /** Largest accepted body, both as sent and after decompression. Default 16 MiB. */
  maxBodyBytes?: number | undefined;
  /**
   * Keep spans and requests in memory for `spans`, `requests` and `waitFor`
   * (default true). A long-running receiver turns this off so memory stays
   * flat; batches still reach `onSpans` and `jsonl`.
   */
  retain?: boolean | undefined;
}

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  /** The raw bytes as received, before any content-encoding was undone. */
  body: Buffer;
  /** The media type without parameters, lowercased (e.g. `application/json`). */
  contentType: string;
}

export interface Receiver {
  /** Base URL, e.g. `http://127.0.0.1:4318` (for OTEL_EXPORTER_OTLP_ENDPOINT). */
  readonly url: string;
  /** The traces endpoint, `${url}/v1/traces` (for an exporter's `url` option). */
  readonly tracesUrl: string;
  readonly host: string;
  readonly port: number;
  /** Every span accepted so far, in arrival order. */
  readonly spans: readonly ReceivedSpan[];
  /**
   * Every POST to /v1/traces whose body was read within the size limit, in
   * arrival order, including those later rejected as malformed.
   */
  readonly requests: readonly ReceivedRequest[];
  /**
   * Resolves with a copy of all spans once `predicate` holds for them (checked
   * immediately and after every accepted batch). Rejects when `timeoutMs`
   * (default 10 s) passes first, when the predicate throws, or on close().
   */
  waitFor(predicate: (spans: readonly ReceivedSpan[]) => boolean, timeoutMs?: number): Promise<ReceivedSpan[]>;
  /** Stops listening and closes idle and in-flight connections. Safe to call twice. */
  close(): Promise<void>;
}

export async function startReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  const host = options.host ?? DEFAULT_HOST;
  const requestedPort = options.port ?? DEFAULT_PORT;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const retain = options.retain ?? true;
  const reportError = (error: unknown) => {
    try {
      options.onError?.(error instanceof Error ? error : new Error(String(error)));
    } catch {
      // An error handler that throws has nowhere left to report to.
    }
  };

  const jsonl = options.jsonl === undefined ? undefined : new JsonlWriter(options.jsonl);
  const spans: ReceivedSpan[] = [];
  const requests: ReceivedRequest[] = [];
  const waiters = new SpanWaiters(spans);

  /** Records an accepted batch; returns the jsonl failure, if any, for the response. */
  const accept = async (batch: ReceivedSpan[]): Promise<Error | undefined> => {
    if (batch.length === 0) return undefined;
    let jsonlError: Error | undefined;
    // Written before the spans become visible, so whoever sees them in
    // `spans` or via onSpans/waitFor can also read them from the file.
    if (jsonl !== undefined) {
      try {
        await jsonl.append(batch);
      } catch (error) {
        jsonlError = new Error(`could not append to ${jsonl.path}: ${(error as Error).message}`, { cause: error });
        reportError(jsonlError);
      }
    }
    // A loop rather than push(...batch): a 16 MiB body can hold more spans
    // than a call may take arguments.
    if (retain) for (const span of batch) spans.push(span);
    try {
      options.onSpans?.(batch);
    } catch (error) {
      reportError(error);
    }
    waiters.check();
    return jsonlError;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== TRACES_PATH) {
      throw new HttpError(404, `not found: ${truncate(path ?? '')} (only POST ${TRACES_PATH} is served)`);
    }
    if (request.method !== 'POST') {
      throw new HttpError(405, `method ${request.method ?? ''} not allowed; use POST`, { Allow: 'POST' });
    }
    const contentType = mediaType(request.headers['content-type']);
    if (contentType !== JSON_TYPE && !PROTOBUF_TYPES.has(contentType)) {
      throw new HttpError(
        415,
        `unsupported content-type ${JSON.stringify(truncate(contentType))}; send ${JSON_TYPE} or ${PROTOBUF_TYPE}`,
      );
    }
    const encoding = (request.headers['content-encoding'] ?? '').trim().toLowerCase();
    if (!isSupportedContentEncoding(encoding)) {
      throw new HttpError(415, `unsupported content-encoding ${JSON.stringify(truncate(encoding))}; use gzip, deflate or br`);
    }

    const raw = await readRequestBody(request, maxBodyBytes);
    if (retain) requests.push({ headers: request.headers, body: raw, contentType });
    const body = await decodeContentEncoding(raw, encoding, maxBodyBytes);

    const isJson = contentType === JSON_TYPE;
    const batch = isJson ? normalizeTraceRequest(parseJson(body)) : normalizeTraceRequest(decodeProtobuf(body));
    const jsonlError = await accept(batch);
    if (jsonlError !== undefined) {
      throw new HttpError(500, `received ${batch.length} span(s) but ${jsonlError.message}`);
    }
    // An empty ExportTraceServiceResponse: `{}` in JSON, zero bytes in protobuf.
    if (isJson) {
      send(response, 200, JSON_TYPE, '{}');
    } else {
      send(response, 200, PROTOBUF_TYPE, '');
    }
  };

  const server = createServer((request, response) => {
    // Without listeners, a late 'error' on either stream would be thrown
    // and take the process down; failures are handled where they happen.
    request.on('error', () => undefined);
    response.on('error', () => undefined);
    handle(request, response).catch((error: unknown) => {
      try {
        if (error instanceof HttpError) {
          sendText(response, error.status, error.message, error.headers);
        } else {
          // Everything else thrown while decoding is the payload's fault.
          sendText(response, 400, error instanceof Error ? error.message : String(error));
        }
      } catch (sendError) {
        reportError(sendError);
        response.destroy();
      }
    });
  });
  // Unparseable HTTP is left to node's default 'clientError' handling, which
  // answers 400/431 when it can and destroys the socket.
  await listen(server, host, requestedPort);
  server.on('error', reportError);
  // Opened after listening, so a busy port does not leave an empty file behind.
  try {
    await jsonl?.open();
  } catch (error) {
    await new Promise((resolve) => server.close(resolve));
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    tracesUrl: `${url}${TRACES_PATH}`,
    host,
    port,
    spans,
    requests,
    waitFor: (predicate, timeoutMs = DEFAULT_WAIT_TIMEOUT_MS) => waiters.waitFor(predicate, timeoutMs),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        waiters.rejectAll(new Error('the receiver was closed before the awaited spans arrived'));
        server.close(() => resolve());
        // Exporters keep connections alive; without this close() would wait for them.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function listen(server: ReturnType<typeof createServer>, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      const reason =
        error.code === 'EADDRINUSE'
          ? 'address already in use'
          : error.code === 'EACCES'
            ? 'permission denied'
            : error.code === 'EADDRNOTAVAIL'
              ? 'address not available on this machine'
              : error.message;
      reject(Object.assign(new Error(`cannot listen on ${host}:${port}: ${reason}`, { cause: error }), { code: error.code }));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    try {
      server.listen({ host, port });
    } catch (error) {
      // Invalid arguments (e.g. a port out of range) throw synchronously.
      server.off('error', onError);
      server.off('listening', onListening);
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

function parseJson(body: Buffer): unknown {
  checkJsonObjectCount(body);
  let parsed: unknown;
  try {
    // A byte-order mark is legal at the start of UTF-8 JSON but JSON.parse rejects it.
    parsed = JSON.parse(body.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new Error(`invalid JSON: ${(error as Error).message}`);
  }
  checkJsonRequest(parsed);
  return parsed;
}

function decodeProtobuf(body: Buffer): unknown {
  try {
    return decodeTraceRequest(body);
  } catch (error) {
    // Too many objects: a 413 with its reason, not a malformed payload.
    if (error instanceof HttpError) throw error;
    throw new Error(`invalid protobuf: ${(error as Error).message}`);
  }
}

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function truncate(text: string): string {
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  if (response.headersSent || response.destroyed) return;
  response.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}

/** A one-line plain-text answer, safe to send whatever state the response is in. */
function sendText(
  response: ServerResponse,
  status: number,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (response.headersSent || response.destroyed) return;
  const body = `${message.replace(/\s+/g, ' ').trim()}\n`;
  response.writeHead(status, {
    ...headers,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  response.end(body);
}
