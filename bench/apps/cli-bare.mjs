// Baseline for the CLI start-up row: a small commander CLI running one command, without optel.
import { Command } from 'commander';

const work = () => 42;
const program = new Command('bench');
program.command('work').action(() => {
  process.exitCode = work() === 42 ? 0 : 1;
});
await program.parseAsync(['work'], { from: 'user' });
