// 100k commands while the collector is down: memory must stay bounded (the
// export queue is capped; what doesn't fit is dropped and counted). Run with
// --expose-gc. Prints JSON.
import { createTelemetry } from 'optel';

const COMMANDS = Number(process.env.BENCH_COMMANDS ?? 100_000);
const telemetry = createTelemetry({
  app: { name: 'bench', version: '1.0.0' },
  endpoint: process.env.BENCH_ENDPOINT ?? 'http://127.0.0.1:9',
  attributes: { 'cli.command': 'clear' },
});
const settle = () => {
  globalThis.gc?.();
  return process.memoryUsage();
};

await telemetry.command('warm-up', () => 0);
const before = settle();
const start = process.hrtime.bigint();
for (let i = 0; i < COMMANDS; i++) {
  await telemetry.command('build', { 'cli.command': 'build' }, () => i);
}
const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
const after = settle();
const stats = typeof telemetry.stats === 'function' ? telemetry.stats() : undefined;
process.stdout.write(
  JSON.stringify({
    commands: COMMANDS,
    elapsedMs,
    rssGrowthMb: (after.rss - before.rss) / 2 ** 20,
    heapGrowthMb: (after.heapUsed - before.heapUsed) / 2 ** 20,
    ...(stats ? { stats } : {}),
  }),
);
await telemetry.shutdown();
