// In-process cost of one command: optel's command() (started + completed
// records through the privacy processor into the export queue) against a
// bare OpenTelemetry span with the same attributes. Prints JSON.
//   BENCH_ENDPOINT  a collector (the queue sends in the background)
//   BENCH_COMMANDS  commands per round (default 20000)
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { createTelemetry } from 'optel';

const COMMANDS = Number(process.env.BENCH_COMMANDS ?? 20_000);
// Rounds alternate bare and optel; the median of each is reported (more rounds, a steadier median).
const ROUNDS = 11;
const attributes = { 'cli.command': 'build', 'build.target': 'web', 'project.name': 'acme' };

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

// Baseline: a bare span per command, ended at once, handed to a processor that keeps nothing.
const provider = new BasicTracerProvider({
  spanProcessors: [{ onStart() {}, onEnd() {}, forceFlush: async () => {}, shutdown: async () => {} }],
});
const tracer = provider.getTracer('bench');
async function bareRound() {
  const start = process.hrtime.bigint();
  for (let i = 0; i < COMMANDS; i++) {
    const span = tracer.startSpan('build', { attributes });
    await Promise.resolve(i); // the same one await per command as an async command body
    span.end();
  }
  return Number(process.hrtime.bigint() - start) / COMMANDS;
}

const telemetry = createTelemetry({
  app: { name: 'bench', version: '1.0.0' },
  endpoint: process.env.BENCH_ENDPOINT ?? 'http://127.0.0.1:9',
  attributes: { 'cli.command': 'clear', 'build.target': 'clear', 'project.name': 'hash' },
});
async function optelRound() {
  const start = process.hrtime.bigint();
  for (let i = 0; i < COMMANDS; i++) {
    await telemetry.command('build', attributes, () => i);
  }
  return Number(process.hrtime.bigint() - start) / COMMANDS;
}

await telemetry.command('warm-up', () => 0); // loads the pipeline outside the timed rounds
await bareRound();
const bare = [];
const optel = [];
for (let r = 0; r < ROUNDS; r++) {
  bare.push(await bareRound());
  optel.push(await optelRound());
}
const optelNs = median(optel);
const bareNs = median(bare);
process.stdout.write(JSON.stringify({ optelNsPerCommand: optelNs, bareNsPerSpan: bareNs, commandsPerSecond: 1e9 / optelNs }));
await telemetry.shutdown();
