// What telemetry on costs the app's own code: one `await` in a loop, after
// one optel command, telemetry on (consent given) or off (DO_NOT_TRACK=1).
// With it on, optel keeps the current command in an AsyncLocalStorage, whose
// promise hooks (Node 20 and 22) every promise of the process then pays.
// Prints JSON: the median of 11 rounds, in ns per await.
import { createTelemetry } from 'optel';

const AWAITS = 1_000_000;
const telemetry = createTelemetry({
  app: { name: 'bench', version: '1.0.0' },
  endpoint: process.env.BENCH_ENDPOINT ?? 'http://127.0.0.1:9',
  attributes: { 'cli.command': 'clear' },
});
await telemetry.command('build', { 'cli.command': 'build' }, () => 0);

const rounds = [];
for (let r = 0; r <= 11; r++) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < AWAITS; i++) await Promise.resolve(i);
  if (r > 0) rounds.push(Number(process.hrtime.bigint() - start) / AWAITS);
}
rounds.sort((a, b) => a - b);
process.stdout.write(JSON.stringify({ nsPerAwait: rounds[rounds.length >> 1] }));
await telemetry.shutdown();
