// Loopback collectors for the bench: one that answers 200, and ones that
// misbehave (nothing listening, never answering, 503, slow, not HTTP).
import { createServer } from 'node:http';

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
