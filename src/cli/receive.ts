/**
 * `optel receive`: a local OTLP/HTTP receiver that prints each span as it
 * arrives, so developers can see exactly what their tool would send before
 * sending anything anywhere.
 *
 * The first line on stdout is always
 *   optel receive: listening on http://HOST:PORT/v1/traces
 * with the real port, so a script that starts it with `--port 0` can read the
 * endpoint back. Span lines follow; diagnostics go to stderr.
 */
import { parseArgs } from 'node:util';
import { formatSpan, shouldUseColor } from '../receiver/format.js';
import { DEFAULT_HOST, DEFAULT_PORT, startReceiver } from '../receiver/server.js';
import type { Receiver } from '../receiver/server.js';
import { UsageError } from './usage-error.js';

const COMMAND = 'optel receive';

export const RECEIVE_USAGE = `Usage: optel receive [options]

Run an OTLP/HTTP trace receiver on this machine and print every span it gets.

Point an app that uses optel at it with <APP>_TELEMETRY_ENDPOINT, where <APP> is
the app's name upper-cased (acme -> ACME). In one terminal:
  optel receive
and in another:
  ACME_TELEMETRY_ENDPOINT=http://${DEFAULT_HOST}:${DEFAULT_PORT} acme build
optel apps ignore OTEL_EXPORTER_OTLP_ENDPOINT (it is for your own OpenTelemetry
SDK, which can use this receiver too).

Options:
  --port <n>      Port to listen on (default ${DEFAULT_PORT}; 0 picks a free port)
  --host <addr>   Interface to listen on (default ${DEFAULT_HOST})
  --jsonl <file>  Also append each span to <file>, one JSON object per line
  --quiet         Do not print spans (the listening line is still printed)
  -h, --help      Show this help

Stops on Ctrl-C (SIGINT) or SIGTERM.
`;

interface ReceiveArguments {
  help: boolean;
  host: string;
  port: number;
  jsonl: string | undefined;
  quiet: boolean;
}

function parseReceiveArguments(args: string[]): ReceiveArguments {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        jsonl: { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    // node's messages go on with advice about '--' that does not apply here.
    const message = (error as Error).message.split('. ')[0] ?? 'invalid arguments';
    throw new UsageError(message, COMMAND);
  }
  const port = values.port ?? String(DEFAULT_PORT);
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) {
    throw new UsageError(`--port must be an integer from 0 to 65535, got '${port}'`, COMMAND);
  }
  if (values.host === '') throw new UsageError('--host must not be empty', COMMAND);
  if (values.jsonl === '') throw new UsageError('--jsonl must not be empty', COMMAND);
  return {
    help: values.help ?? false,
    host: values.host ?? DEFAULT_HOST,
    port: Number(port),
    jsonl: values.jsonl,
    quiet: values.quiet ?? false,
  };
}

/** Runs until SIGINT/SIGTERM; resolves with the exit code. Throws UsageError on bad arguments. */
export async function runReceive(args: string[]): Promise<number> {
  const options = parseReceiveArguments(args);
  if (options.help) {
    process.stdout.write(RECEIVE_USAGE);
    return 0;
  }

  const color = shouldUseColor(process.stdout, process.env);
  let received = 0;
  let receiver: Receiver;
  try {
    receiver = await startReceiver({
      host: options.host,
      port: options.port,
      jsonl: options.jsonl,
      // A receiver left running for hours must not hoard every span.
      retain: false,
      onSpans: (spans) => {
        received += spans.length;
        if (options.quiet) return;
        process.stdout.write(spans.map((span) => `${formatSpan(span, { color })}\n`).join(''));
      },
      onError: (error) => {
        process.stderr.write(`${COMMAND}: ${error.message}\n`);
      },
    });
  } catch (error) {
    process.stderr.write(`${COMMAND}: ${(error as Error).message}\n`);
    return 1;
  }

  process.stdout.write(`${COMMAND}: listening on ${receiver.tracesUrl}\n`);

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (reason: string) => {
      if (stopping) return;
      stopping = true;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      void receiver.close().then(() => {
        process.stderr.write(`${COMMAND}: stopped (${reason}) after ${received} span(s)\n`);
        resolve(0);
      });
    };
    // Listeners are removed on the first signal, so a second Ctrl-C falls
    // back to node's default and ends the process at once.
    const onSignal = (signal: NodeJS.Signals) => stop(signal);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    // Output piped into something that exited (`optel receive | head`):
    // nobody is reading any more, so stop instead of dying on EPIPE.
    process.stdout.on('error', () => stop('stdout closed'));
  });
}
