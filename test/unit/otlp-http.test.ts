// postOtlp against real loopback servers: requests share a kept connection,
// and a kept connection the collector closed under a request is tried once
// more on a fresh one (never a request that was answered, never twice).
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { postOtlp } from '../../src/pipeline/otlp-http.js';

/** Generous bound that only catches a hang; never a timing expectation. */
const HANG_BOUND_MS = 10_000;
const BODY = new TextEncoder().encode('{"resourceSpans":[]}');

interface Server {
  readonly url: URL;
  /** TCP connections accepted. */
  connections: number;
  /** Requests read, in order, with the connection (1-based) each came on. */
  readonly requests: number[];
  close(): Promise<void>;
}

type Answer = (req: IncomingMessage, res: ServerResponse, request: number) => void;

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function server(answer: Answer): Promise<Server> {
  const ids = new WeakMap<Socket, number>();
  const http = createServer((req, res) => {
    state.requests.push(ids.get(req.socket) ?? 0);
    req.resume();
    req.on('end', () => answer(req, res, state.requests.length));
  });
  // Kept connections outlive any test: the client, not the server, decides when they go.
  http.keepAliveTimeout = 60_000;
  http.on('connection', (socket: Socket) => ids.set(socket, ++state.connections));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const state: Server = {
    url: new URL(`http://127.0.0.1:${port}/v1/traces`),
    connections: 0,
    requests: [],
    close: () =>
      new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
  servers.push(state);
  return state;
}

const ok: Answer = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}');

function post(target: Server): Promise<Awaited<ReturnType<typeof postOtlp>>> {
  return postOtlp(target.url, BODY, 'optel-test', AbortSignal.timeout(HANG_BOUND_MS));
}

describe('postOtlp', () => {
  it('sends one request after another on one kept connection', async () => {
    const target = await server(ok);
    expect(await post(target)).toMatchObject({ ok: true, status: 200 });
    expect(await post(target)).toMatchObject({ ok: true, status: 200 });
    expect(await post(target)).toMatchObject({ ok: true, status: 200 });
    expect(target.requests).toEqual([1, 1, 1]);
    expect(target.connections).toBe(1);
  });

  it('tries a request once more on a fresh connection when the kept one was closed under it', async () => {
    // The second request arrives on the kept connection, which the server then drops unanswered
    // (what a collector's idle timeout firing as the request goes out looks like to the client).
    const target = await server((req, res, request) => {
      if (request === 2) req.socket.destroy();
      else ok(req, res, request);
    });
    expect(await post(target)).toMatchObject({ ok: true });
    expect(await post(target)).toMatchObject({ ok: true, status: 200 });
    expect(target.requests).toEqual([1, 1, 2]);
  });

  it('tries again only if it still may (the consent gate, asked again)', async () => {
    const target = await server((req, res, request) => {
      if (request === 2) req.socket.destroy();
      else ok(req, res, request);
    });
    expect(await post(target)).toMatchObject({ ok: true });
    let asked = 0;
    const result = await postOtlp(target.url, BODY, 'optel-test', AbortSignal.timeout(HANG_BOUND_MS), () => {
      asked++;
      return false;
    });
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(asked).toBe(1);
    expect(target.requests).toEqual([1, 1]);
  });

  it('does not try again when a fresh connection fails, nor a second time', async () => {
    const target = await server((req) => req.socket.destroy());
    expect(await post(target)).toMatchObject({ ok: false, retryable: true });
    // A fresh connection dropped unanswered: reported, not retried here (the queue decides when).
    expect(target.requests).toEqual([1]);
  });

  it('never sends an answered request again, whatever the answer', async () => {
    const target = await server((_req, res, request) => {
      if (request === 1) ok(_req, res, request);
      else res.writeHead(503).end();
    });
    expect(await post(target)).toMatchObject({ ok: true });
    expect(await post(target)).toMatchObject({ ok: false, retryable: true, status: 503 });
    expect(target.requests).toEqual([1, 1]);
  });
});
