// In-process cost of one command: optel's command() (started + completed
// records through the privacy processor into the export queue) against a
// bare OpenTelemetry span with the same attributes. Prints JSON.
//   BENCH_KIND      'optel' or 'bare': each is timed in a process of its own,
//                   so the bare spans never pay for what optel switches on
//                   (AsyncLocalStorage's promise hooks, which every promise
//                   of the process then pays)
//   BENCH_ENDPOINT  a collector (the queue sends in the background)
//   BENCH_COMMANDS  commands per round (default 20000)
const COMMANDS = Number(process.env.BENCH_COMMANDS ?? 20_000);
// The median round is reported (more rounds, a steadier median); the first round warms up.
const ROUNDS = 11;
const attributes = { 'cli.command': 'build', 'build.target': 'web', 'project.name': 'acme' };

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

/** Times `loop` (COMMANDS commands) in ROUNDS rounds after one warm-up round; ns per command. */
async function rounds(loop) {
  const perRound = [];
  for (let r = 0; r <= ROUNDS; r++) {
    const start = process.hrtime.bigint();
    await loop();
    if (r > 0) perRound.push(Number(process.hrtime.bigint() - start) / COMMANDS);
  }
  return median(perRound);
}

let nsPerCommand;
if (process.env.BENCH_KIND === 'bare') {
  // A bare span per command, ended after one await (as an async command body has), handed to a
  // processor that keeps nothing.
  const { BasicTracerProvider } = await import('@opentelemetry/sdk-trace-base');
  const provider = new BasicTracerProvider({
    spanProcessors: [{ onStart() {}, onEnd() {}, forceFlush: async () => {}, shutdown: async () => {} }],
  });
  const tracer = provider.getTracer('bench');
  nsPerCommand = await rounds(async () => {
    for (let i = 0; i < COMMANDS; i++) {
      const span = tracer.startSpan('build', { attributes });
      await Promise.resolve(i);
      span.end();
    }
  });
} else {
  const { createTelemetry } = await import('optel');
  const telemetry = createTelemetry({
    app: { name: 'bench', version: '1.0.0' },
    endpoint: process.env.BENCH_ENDPOINT ?? 'http://127.0.0.1:9',
    attributes: { 'cli.command': 'clear', 'build.target': 'clear', 'project.name': 'hash' },
  });
  await telemetry.command('warm-up', () => 0); // loads the pipeline outside the timed rounds
  nsPerCommand = await rounds(async () => {
    for (let i = 0; i < COMMANDS; i++) await telemetry.command('build', attributes, () => i);
  });
  await telemetry.shutdown();
}
process.stdout.write(JSON.stringify({ kind: process.env.BENCH_KIND ?? 'optel', nsPerCommand }));
