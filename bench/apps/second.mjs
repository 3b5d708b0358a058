// A command that works for one second (waiting, as a CLI waits on a network
// or a child process), with optel: telemetry on, one command, run().
// BENCH_WORK_MS: another duration.
import { createTelemetry } from 'optel';

const telemetry = createTelemetry({
  app: { name: 'bench', version: '1.0.0' },
  endpoint: process.env.BENCH_ENDPOINT ?? 'https://telemetry.invalid',
  attributes: { 'cli.command': 'clear' },
});
await telemetry.run(() => telemetry.command('work', { 'cli.command': 'work' }, () => new Promise((resolve) => setTimeout(() => resolve(0), Number(process.env.BENCH_WORK_MS ?? 1000)))));
