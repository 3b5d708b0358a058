import type { Agent } from 'node:http';
import { collectorAgent } from './collector-agents.js';

export interface SendResult {
  readonly ok: boolean;
  /** Worth trying again later (network error, 429, 502, 503, 504). */
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly status?: number;
  readonly error?: string;
}

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const MAX_RESPONSE_BYTES = 64 * 1024;

/** Errors of a kept connection that the collector closed as the request went out: worth one fresh connection. */
const STALE_CONNECTION_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/**
 * Posts one OTLP/JSON body. Deliberately not the stock exporter: that one
 * merges the user's `OTEL_EXPORTER_OTLP_*` headers (a corporate bearer token,
 * say) into requests to the app vendor, and its retry timers hold the process
 * open for seconds at exit. Here the only headers are the ones below, the
 * socket never keeps the process alive, and `signal` cuts the request off.
 * Requests share kept connections (collector-agents.ts); a kept connection
 * found closed before any answer is tried once more on a fresh connection,
 * if `mayRetry()` (the consent gate, asked again) still says so. (The
 * collector may have taken the body before it closed the connection: a
 * record can then arrive twice, as with any resend, under the same ids.)
 */
export function postOtlp(url: URL, body: Uint8Array, userAgent: string, signal: AbortSignal, mayRetry: () => boolean = () => true): Promise<SendResult> {
  return postOnce(url, body, userAgent, signal, collectorAgent(url)).then((outcome) =>
    outcome.staleConnection && mayRetry() ? postOnce(url, body, userAgent, signal, false).then(({ result }) => result) : outcome.result,
  );
}

function postOnce(
  url: URL,
  body: Uint8Array,
  userAgent: string,
  signal: AbortSignal,
  agent: Agent | false,
): Promise<{ readonly result: SendResult; readonly staleConnection?: boolean }> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: SendResult, staleConnection = false): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      resolve(staleConnection ? { result, staleConnection } : { result });
    };
    if (signal.aborted) {
      finish({ ok: false, retryable: true, error: 'deadline reached before sending' });
      return;
    }
    // (node:https, and with it TLS, loads only for an https endpoint.)
    const send = url.protocol === 'https:' ? process.getBuiltinModule('node:https').request : process.getBuiltinModule('node:http').request;
    let answered = false;
    const req = send(url, {
      method: 'POST',
      agent,
      headers: {
        'content-type': 'application/json',
        'content-length': body.byteLength,
        'user-agent': userAgent,
      },
    });
    const onAbort = (): void => {
      req.destroy();
      finish({ ok: false, retryable: true, error: 'deadline reached' });
    };
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('socket', (socket) => socket.unref());
    req.on('error', (error: NodeJS.ErrnoException) => {
      const stale = !answered && req.reusedSocket && STALE_CONNECTION_ERRORS.has(error.code ?? '') && !signal.aborted;
      finish({ ok: false, retryable: true, error: error.message }, stale);
    });
    req.on('response', (res) => {
      answered = true;
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > MAX_RESPONSE_BYTES) res.destroy();
      });
      res.on('error', () => undefined);
      res.on('close', () => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          finish({ ok: true, retryable: false, status });
          return;
        }
        const retryAfterMs = parseRetryAfter(res.headers['retry-after']);
        finish({
          ok: false,
          retryable: RETRYABLE_STATUS.has(status),
          status,
          error: `collector answered ${status}`,
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        });
      });
      res.resume();
    });
    req.end(body);
  });
}

export function parseRetryAfter(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - Date.now());
}
