import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Receiver } from '../../src/receiver/server.js';
import type { ReceivedSpan } from '../../src/receiver/spans.js';
import { startReceiver } from '../../src/receiver/server.js';

export type { Receiver, ReceivedSpan };

/** A real OTLP receiver on a free loopback port. */
export function collector(): Promise<Receiver> {
  return startReceiver({ port: 0 });
}

export type Fault = 'refused' | 'black-hole' | '503' | 'slow' | 'garbage';

export interface FaultyCollector {
  readonly url: string;
  /** Requests that reached it. */
  readonly hits: () => number;
  close(): Promise<void>;
}

/**
 * A collector that misbehaves in one way: nothing listening (refused),
 * accepting and never answering (black hole), 503 with Retry-After, answering
 * after 20 s (slow), or replying with bytes that are not HTTP (garbage).
 */
export async function faultyCollector(fault: Fault): Promise<FaultyCollector> {
  if (fault === 'refused') {
    const server = createServer();
    const port = await listen(server);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return { url: `http://127.0.0.1:${port}`, hits: () => 0, close: async () => undefined };
  }
  let hits = 0;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res: ServerResponse) => {
    hits++;
    req.resume();
    switch (fault) {
      case 'black-hole':
        return;
      case '503':
        res.writeHead(503, { 'retry-after': '30' }).end('overloaded');
        return;
      case 'slow': {
        const timer = setTimeout(() => res.writeHead(200).end('{}'), 20_000);
        timers.add(timer);
        return;
      }
      case 'garbage':
        req.socket.end('\x00\x01 this is not HTTP\r\n\r\n');
        return;
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** The spans of one name and lifecycle. */
export function find(spans: readonly ReceivedSpan[], name: string, lifecycle?: 'started' | 'completed'): ReceivedSpan[] {
  return spans.filter((s) => s.name === name && (lifecycle === undefined || s.attributes['optel.lifecycle'] === lifecycle));
}

export function completed(name: string) {
  return (spans: readonly ReceivedSpan[]): boolean => find(spans, name, 'completed').length > 0;
}
