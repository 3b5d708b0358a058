// In-process cost of one command: optel's command() (started + completed
// records through the privacy processor into the export queue) against a
// bare OpenTelemetry span with the same attributes. Prints JSON.
//   BENCH_KIND      'optel', 'bare' or 'stock' (the bare span through the
//                   stock BatchSpanProcessor and OTLP/HTTP JSON exporter,
//                   to the same collector): each is timed in a process of its own,
//                   so the bare spans never pay for what optel switches on
//                   (AsyncLocalStorage's promise hooks, which every promise
//                   of the process then pays)
//   BENCH_ENDPOINT  a collector (the queue sends in the background)
//   BENCH_COMMANDS  commands per round (default 20000)
//   BENCH_YIELD_EVERY  let the event loop turn every N commands (default 0:
//                   never, so optel's queue fills after 1,024 commands and
//                   drops the rest; with turns, it sends, and the journal is
//                   written, as in an app that does I/O between commands)
const COMMANDS = Number(process.env.BENCH_COMMANDS ?? 20_000);
// The median round is reported (more rounds, a steadier median); the first round warms up.
const ROUNDS = 11;
const attributes = { 'cli.command': 'build', 'build.target': 'web', 'project.name': 'acme' };
const YIELD_EVERY = Number(process.env.BENCH_YIELD_EVERY ?? 0);
/** A turn of the event loop every YIELD_EVERY commands (timers, I/O callbacks), if asked; the same for both kinds. */
const turn = (i) => (YIELD_EVERY > 0 && i % YIELD_EVERY === YIELD_EVERY - 1 ? new Promise((resolve) => setImmediate(resolve)) : undefined);

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
/** optel's own count of what it sent and dropped, for the record. */
let stats;
const kind = process.env.BENCH_KIND ?? 'optel';
if (kind === 'bare' || kind === 'stock') {
  // A bare span per command, ended after one await (as an async command body has), handed to a
  // processor that keeps nothing, or to the stock batch processor and exporter.
  const { BasicTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  const processor =
    kind === 'bare'
      ? { onStart() {}, onEnd() {}, forceFlush: async () => {}, shutdown: async () => {} }
      : new BatchSpanProcessor(new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter({ url: `${process.env.BENCH_ENDPOINT}/v1/traces` }));
  const provider = new BasicTracerProvider({ spanProcessors: [processor] });
  const tracer = provider.getTracer('bench');
  nsPerCommand = await rounds(async () => {
    for (let i = 0; i < COMMANDS; i++) {
      const span = tracer.startSpan('build', { attributes });
      await Promise.resolve(i);
      span.end();
      await turn(i);
    }
  });
  await provider.shutdown();
} else {
  const { createTelemetry } = await import('optel');
  const telemetry = createTelemetry({
    app: { name: 'bench', version: '1.0.0' },
    endpoint: process.env.BENCH_ENDPOINT ?? 'http://127.0.0.1:9',
    attributes: { 'cli.command': 'clear', 'build.target': 'clear', 'project.name': 'hash' },
  });
  await telemetry.command('warm-up', () => 0); // loads the pipeline outside the timed rounds
  nsPerCommand = await rounds(async () => {
    for (let i = 0; i < COMMANDS; i++) {
      await telemetry.command('build', attributes, () => i);
      await turn(i);
    }
  });
  await telemetry.shutdown();
  stats = telemetry.stats();
}
// Records made, timed rounds and the warm-up round (and optel's warm-up command): a started and a completed record per optel command.
const commands = COMMANDS * (ROUNDS + 1);
const records = kind === 'optel' ? 2 * (commands + 1) : commands;
process.stdout.write(JSON.stringify({ kind, nsPerCommand, records, ...(stats ? { stats } : {}) }));
