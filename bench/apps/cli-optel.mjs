// The same commander CLI with optel: the command runs as a telemetry command inside run().
import { Command } from 'commander';
import { createTelemetry } from 'optel';

const telemetry = createTelemetry({
  app: { name: 'bench', version: '1.0.0' },
  endpoint: process.env.BENCH_ENDPOINT ?? 'https://telemetry.invalid',
  attributes: { 'cli.command': 'clear' },
});
const program = new Command('bench');
program.command('work').action(() => telemetry.command('work', { 'cli.command': 'work' }, () => 42).then((v) => (v === 42 ? 0 : 1)));
await telemetry.run(async () => {
  await program.parseAsync(['work'], { from: 'user' });
});
