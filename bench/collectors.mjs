// Loopback collectors for the bench: one that answers 200, and ones that
// misbehave (nothing listening, never answering, 503, slow, not HTTP); and one
// behind HTTPS, with a proxy that puts it some milliseconds away.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { connect, createServer as createNetServer } from 'node:net';
import { fileURLToPath } from 'node:url';

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}

function closer(server, sockets, timers) {
  return () =>
    new Promise((resolve) => {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
}

function track(server) {
  const sockets = new Set();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return sockets;
}

export async function startCollector() {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  const sockets = track(server);
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, close: closer(server, sockets, []) };
}

export async function startFaultyCollector(fault) {
  if (fault === 'refused') {
    const server = createServer();
    const port = await listen(server);
    await new Promise((resolve) => server.close(resolve));
    return { url: `http://127.0.0.1:${port}`, close: async () => {} };
  }
  const timers = new Set();
  const server = createServer((req, res) => {
    req.resume();
    if (fault === '503') res.writeHead(503, { 'retry-after': '1' }).end();
    else if (fault === 'slow') timers.add(setTimeout(() => res.writeHead(200).end('{}'), 20_000));
    else if (fault === 'garbage') req.socket.end('\x00\x01 not HTTP\r\n\r\n');
    // black-hole: never answers
  });
  const sockets = track(server);
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, close: closer(server, sockets, timers) };
}

/** The test certificate (self-signed for 127.0.0.1); a child trusts it through NODE_EXTRA_CA_CERTS. */
export const LOOPBACK_CERT = fileURLToPath(new URL('../test/fixtures/tls/loopback-cert.pem', import.meta.url));
const LOOPBACK_KEY = fileURLToPath(new URL('../test/fixtures/tls/loopback-key.pem', import.meta.url));

/** A collector behind HTTPS that answers 200, as most real ones are. */
export async function startTlsCollector() {
  const server = createTlsServer({ key: readFileSync(LOOPBACK_KEY), cert: readFileSync(LOOPBACK_CERT) }, (req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  const sockets = track(server);
  const port = await listen(server);
  return { url: `https://127.0.0.1:${port}`, port, close: closer(server, sockets, []) };
}

/**
 * A TCP proxy in front of `targetPort` that holds every chunk `oneWayMs` in
 * each direction: a collector that far away. (Loopback can't delay the TCP
 * handshake itself, so a new connection costs its TLS handshake's round trips
 * here, and one more over a real network.)
 */
export async function startLatencyProxy(targetPort, oneWayMs) {
  const timers = new Set();
  const later = (fn) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, oneWayMs);
    timers.add(timer);
  };
  const server = createNetServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    const relay = (from, to) => {
      from.on('data', (chunk) => later(() => to.destroyed || to.write(chunk)));
      from.on('end', () => later(() => to.destroyed || to.end()));
      from.on('error', () => later(() => to.destroy()));
      from.on('close', () => later(() => to.destroy()));
    };
    relay(client, upstream);
    relay(upstream, client);
  });
  const sockets = track(server);
  const port = await listen(server);
  return { url: `https://127.0.0.1:${port}`, close: closer(server, sockets, timers) };
}

/** A collector that answers 200 and counts the spans of each OTLP/JSON body it gets (`spans()`). */
export async function startCountingCollector() {
  let spans = 0;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        for (const resourceSpans of body.resourceSpans ?? []) for (const scopeSpans of resourceSpans.scopeSpans ?? []) spans += (scopeSpans.spans ?? []).length;
      } catch {
        // Not OTLP/JSON: not counted.
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  const sockets = track(server);
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, spans: () => spans, close: closer(server, sockets, []) };
}
