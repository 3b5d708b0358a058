#!/usr/bin/env node
// A long-running command: a small HTTP server (node:http) reported through
// optel. The `serve` command stays open while the server runs; each request
// is a step with its own duration and outcome; Ctrl-C closes the server and
// the command ends as `aborted`.
//
//   node examples/server/serve.mjs [--port 8080]
//   curl http://127.0.0.1:8080/hello
//   curl http://127.0.0.1:8080/fail        (a request that fails)
//   Ctrl-C
import { once } from 'node:events';
import { createServer } from 'node:http';
import { createTelemetry } from 'optel';

const argv = process.argv.slice(2);
const portFlag = argv.indexOf('--port');

const telemetry = createTelemetry({
  app: { name: 'serve-example', version: '1.0.0' },
  endpoint: 'https://telemetry.serve-example.example',
  attributes: {
    'http.route': { treatment: 'clear', description: 'which known route a request hit (`/hello`, `/fail`, or `other`)' },
    'http.response.status_code': { treatment: 'clear', description: 'the status code a request got' },
  },
  argv,
});
const port = portFlag === -1 ? 0 : Number(argv[portFlag + 1]);

class RouteError extends Error {}

const ROUTES = {
  '/hello': (res) => res.end('hello\n'),
  '/fail': () => {
    throw new RouteError('this route always fails');
  },
};

await telemetry.run(() =>
  telemetry.command('serve', async (cmd) => {
    const server = createServer((req, res) => {
      const route = Object.hasOwn(ROUTES, req.url) ? req.url : 'other';
      // Each request is a step: one record when it ends, with its outcome.
      cmd
        .step('request', { 'http.route': route }, (step) => {
          const handler = ROUTES[route] ?? ((response) => response.writeHead(404).end('not found\n'));
          handler(res);
          step.setAttribute('http.response.status_code', res.statusCode);
        })
        .catch(() => {
          res.writeHead(500).end('failed\n');
        });
    });
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    console.log(`listening on http://127.0.0.1:${server.address().port}`);

    // Good practice for a server: its own Ctrl-C handler closes it, and the
    // process then ends by itself, exit code 130 as a shell expects. optel
    // sees the signal first and ends the command as aborted.
    process.once('SIGINT', () => {
      process.exitCode = 130;
      server.close();
      server.closeAllConnections();
    });

    // The command stays open until the server closes.
    cmd.keepOpen(once(server, 'close'));
  }),
);
