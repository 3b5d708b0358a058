#!/usr/bin/env node
// The same telemetry wiring as examples/cli, on yargs instead of commander:
//   node examples/cli-yargs/acme.mjs greet Ada
//   node examples/cli-yargs/acme.mjs telemetry status
import yargs from 'yargs';
import { createTelemetry } from 'optel';

const argv = process.argv.slice(2);
const telemetry = createTelemetry({
  app: { name: 'acme', version: '1.2.0' },
  endpoint: 'https://telemetry.acme.example',
  attributes: { 'cli.command': 'clear' },
  argv, // --disable-telemetry is removed before yargs sees it
});

await telemetry.run(async () => {
  await yargs(argv)
    .scriptName('acme')
    .command(
      'greet [name]',
      'print a greeting',
      (y) => y.positional('name', { type: 'string', default: 'world' }),
      (args) => telemetry.command('greet', { 'cli.command': 'greet' }, () => console.log(`Hello, ${args.name}!`)),
    )
    .command(
      'telemetry [args..]',
      'show or change telemetry settings (status, enable, disable, describe)',
      // Pass flags such as --json through to optel untouched.
      (y) => y.strict(false).help(false).parserConfiguration({ 'unknown-options-as-args': true }),
      async (args) => {
        process.exitCode = await telemetry.cli((args.args ?? []).map(String));
      },
    )
    .demandCommand(1)
    .strictCommands()
    .fail((message, error) => {
      // A usage mistake: say so and exit 2; a real error from a command: rethrow
      // it, so optel reports the failure and Node prints it as usual.
      if (error) throw error;
      console.error(`acme: ${message}`);
      process.exitCode = 2;
    })
    .parseAsync();
  return typeof process.exitCode === 'number' ? process.exitCode : 0;
});
