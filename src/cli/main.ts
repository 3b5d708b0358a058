#!/usr/bin/env node
/**
 * The `optel` bin. It only dispatches: each subcommand lives in its own file
 * and resolves with an exit code. Exit codes: 0 success, 1 runtime failure,
 * 2 usage error.
 */
import { runReceive } from './receive.js';
import { runReport } from './report.js';
import { UsageError } from './usage-error.js';

const USAGE = `Usage: optel <command> [options]

Commands:
  receive   Run a local OTLP/HTTP receiver and print the spans it gets
  report    Write a usage report (one HTML page) from files of spans

Run 'optel <command> --help' for the options of a command.
`;

const commands: Record<string, (args: string[]) => Promise<number>> = {
  receive: runReceive,
  report: runReport,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (command === undefined) {
    throw new UsageError(`unknown command '${name}'`, 'optel');
  }
  return command(args);
}

main(process.argv.slice(2)).then(
  (code) => {
    // exitCode rather than exit(): lets pending stdout writes drain first.
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.command}: ${error.message}\nRun '${error.command} --help' for usage.\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`optel: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    }
  },
);
