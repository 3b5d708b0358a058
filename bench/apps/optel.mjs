// The tiny app with optel: one command, flushed by run() within the exit deadline.
import { createTelemetry } from 'optel';

const telemetry = createTelemetry({
  app: { name: 'bench', version: '1.0.0' },
  endpoint: process.env.BENCH_ENDPOINT ?? 'https://telemetry.invalid',
  attributes: { 'cli.command': 'clear' },
});
await telemetry.run(() => telemetry.command('work', { 'cli.command': 'work' }, () => 42).then((v) => (v === 42 ? 0 : 1)));
