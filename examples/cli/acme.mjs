#!/usr/bin/env node
// acme: a small CLI instrumented with optel. Every command is reported as a
// started record and a completed record with its outcome and duration.
//
//   node examples/cli/acme.mjs greet Ada
//   node examples/cli/acme.mjs build --target web
//   node examples/cli/acme.mjs deploy            (fails)
//   node examples/cli/acme.mjs watch --seconds 5 (long-running; Ctrl-C is reported as aborted)
//   node examples/cli/acme.mjs telemetry status|enable|disable|reset|describe
//   node examples/cli/acme.mjs --disable-telemetry build
import { Command } from 'commander';
import { createTelemetry } from 'optel';

// `argv` is handed to optel first: it removes --disable-telemetry, so
// commander never sees an option it doesn't know.
const argv = process.argv.slice(2);

const telemetry = createTelemetry({
  app: { name: 'acme', version: '1.2.0' },
  // Where the vendor's collector would be. Users can send to their own with
  // ACME_TELEMETRY_ENDPOINT=http://127.0.0.1:4318 (the demo does that).
  endpoint: 'https://telemetry.acme.example',
  // The catalogue: the only attribute keys that may leave this process.
  attributes: {
    'cli.command': { treatment: 'clear', description: 'which command ran (greet, build, deploy, watch)' },
    'build.target': { treatment: 'clear', description: 'what `build` builds for (node, web)' },
    'project.name': { treatment: 'hash', description: "the project directory's name, to count distinct projects" },
  },
  // Opt-out: the first run prints a short notice on stderr and sends nothing;
  // later runs send unless someone says no (see `acme telemetry status`).
  consent: { default: 'opt-out', docs: 'https://acme.example/telemetry', disableCommand: 'acme telemetry disable' },
  // What users are told about the data (the notice, `acme telemetry status`,
  // the generated document). Answer each for real before shipping.
  policy: {
    purpose: 'to see which commands are used and which fail, so the maintainers fix and improve those first',
    retention: 'records are deleted after 90 days; only monthly counts per command are kept after that',
    access: 'the acme maintainers, and nobody else; the records are never sold or shared',
    published: 'never the records; the monthly counts per command may appear in release notes',
    contact: 'telemetry@acme.example',
    deletion: 'email telemetry@acme.example with your install id (`acme telemetry status` shows it); its records are deleted within 30 days',
  },
  argv,
});

class DeployError extends Error {
  name = 'DeployError';
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const program = new Command()
  .name('acme')
  .description('An example CLI with optel telemetry')
  .version('1.2.0')
  // Let optel see the failure (commander would otherwise call process.exit itself).
  .exitOverride();

program
  .command('greet')
  .argument('[name]', 'who to greet', 'world')
  .description('print a greeting (succeeds)')
  .action((name) =>
    telemetry.command('greet', { 'cli.command': 'greet' }, () => {
      console.log(`Hello, ${name}!`);
    }),
  );

program
  .command('build')
  .option('--target <target>', 'what to build for', 'node')
  .description('compile and bundle (takes a moment, has steps)')
  .action((options) =>
    telemetry.command('build', { 'cli.command': 'build', 'build.target': options.target }, async (cmd) => {
      // Declared as `hash`: leaves as a keyed digest, never as the name itself.
      cmd.setAttribute('project.name', process.cwd().split(/[\\/]/).pop() ?? 'unknown');
      await cmd.step('compile', () => sleep(120));
      await cmd.step('bundle', () => sleep(80));
      console.log(`Built for ${options.target}.`);
    }),
  );

program
  .command('deploy')
  .description('deploy (always fails: no credentials)')
  .action(() =>
    telemetry.command('deploy', { 'cli.command': 'deploy' }, async () => {
      await sleep(30);
      // The message (which could hold a secret or a path) never leaves; only `error.type` does.
      throw new DeployError('no credentials found in /home/ada/.acme/credentials');
    }),
  );

program
  .command('watch')
  .option('--seconds <n>', 'how long to run', '30')
  .description('a long-running command (Ctrl-C ends it as aborted)')
  .action((options) =>
    telemetry.command('watch', { 'cli.command': 'watch' }, async () => {
      console.log(`Watching for ${options.seconds}s...`);
      await sleep(Number(options.seconds) * 1000);
    }),
  );

// `acme telemetry status|enable|disable|reset|describe`: optel serves the whole
// subcommand; commander only passes the arguments through.
program
  .command('telemetry')
  .description('show or change telemetry settings (status, enable, disable, reset, describe)')
  .argument('[args...]', 'status [--json] | enable [--project] | disable [--project] | reset | describe [--json]')
  .allowUnknownOption()
  .helpOption(false)
  .action(async (args) => {
    process.exitCode = await telemetry.cli(args);
  });

// The whole invocation is the top-level command: its outcome and exit code
// are reported, signals end it as aborted, and everything is flushed within
// the exit deadline (500 ms by default) before the process ends.
await telemetry.run(async () => {
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error?.code === 'commander.helpDisplayed' || error?.code === 'commander.version') return 0;
    if (typeof error?.exitCode === 'number' && error.code?.startsWith('commander.')) return error.exitCode;
    console.error(`acme: ${error.message}`);
    return 1;
  }
});
