import { parseArgs } from 'node:util';
import type { Consent, ConsentScope, ResetResult, SetConsentResult } from '../consent/consent.js';
import type { ConsentStatus } from '../consent/resolve.js';
import type { DataPolicy } from '../config/options.js';
import { readInstallId } from '../identity/install-id.js';
import type { DescribeFormat } from './describe.js';
import { NOT_STATED } from './policy.js';

export interface Output {
  write(text: string): unknown;
}

export interface TelemetryCommandContext {
  readonly appName: string;
  readonly consent: Consent;
  readonly describe: (format: DescribeFormat) => string;
  readonly files: Readonly<Record<string, string>> & { readonly installId: string };
  /** The app's answers; `status` shows how to ask for deletion. */
  readonly policy: DataPolicy;
  readonly stdout: Output;
  readonly stderr: Output;
}

/** Exit codes: 0 done, 1 could not do it (e.g. a file not writable), 2 bad arguments. */
const OK = 0;
const FAILED = 1;
const USAGE = 2;

type Subcommand = 'status' | 'enable' | 'disable' | 'reset' | 'describe';

/** Each subcommand's options (all boolean flags) and one line of help. */
const SUBCOMMANDS: Readonly<Record<Subcommand, { readonly options: readonly string[]; readonly synopsis: string; readonly does: string }>> = {
  status: { options: ['json'], synopsis: 'status [--json]', does: 'is telemetry on, who decided, your install id, the files used' },
  enable: { options: ['project'], synopsis: 'enable [--project]', does: 'turn telemetry on for you (--project: lift the project\'s no)' },
  disable: { options: ['project'], synopsis: 'disable [--project]', does: 'turn telemetry off and delete the install id and hash key' },
  reset: { options: [], synopsis: 'reset', does: 'forget your answers and the notice, delete the install id and hash key' },
  describe: { options: ['json', 'markdown'], synopsis: 'describe [--json|--markdown]', does: "what is collected, from the app's own catalogue" },
};

const isSubcommand = (name: string): name is Subcommand => Object.hasOwn(SUBCOMMANDS, name);

/**
 * A host CLI's `telemetry` subcommand: `status [--json]`, `enable [--project]`,
 * `disable [--project]`, `reset`, `describe [--json|--markdown]`, `help
 * [command]`; `--help` after any of them. Prints to the given outputs and
 * returns an exit code (2 for a mistake in the arguments); never throws and
 * never exits.
 */
export function runTelemetryCommand(args: readonly string[], context: TelemetryCommandContext): number {
  const [first = 'status', ...rest] = args;
  if (first === 'help' || first === '--help' || first === '-h') {
    const [topic] = rest;
    if (topic === undefined) {
      context.stdout.write(usage(context.appName));
      return OK;
    }
    if (rest.length > 1 || !isSubcommand(topic)) return usageError(context, `no help for "${rest.join(' ')}"`);
    context.stdout.write(subcommandUsage(context.appName, topic));
    return OK;
  }
  if (!isSubcommand(first)) return usageError(context, `unknown telemetry command "${first}"`);
  const spec = SUBCOMMANDS[first];
  let flags: Readonly<Record<string, boolean | undefined>>;
  try {
    const options: Record<string, { type: 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
    for (const name of spec.options) options[name] = { type: 'boolean' };
    flags = parseArgs({ args: [...rest], options, strict: true, allowPositionals: false }).values as Record<string, boolean | undefined>;
  } catch (error) {
    // node's messages go on with advice about '--' that does not apply here.
    const message = ((error as Error).message.split('. ')[0] ?? 'invalid arguments').replace(/^Unexpected argument/, 'unexpected argument');
    return usageError(context, `${message} (telemetry ${first})`);
  }
  if (flags['help'] === true) {
    context.stdout.write(subcommandUsage(context.appName, first));
    return OK;
  }
  switch (first) {
    case 'status':
      printStatus(context, context.consent.status(), flags['json'] === true);
      return OK;
    case 'enable':
    case 'disable': {
      const scope: ConsentScope = flags['project'] === true ? 'project' : 'user';
      return printSet(context, context.consent.set(first === 'enable', { scope }), first);
    }
    case 'reset':
      return printReset(context, context.consent.reset());
    case 'describe':
      if (flags['json'] === true && flags['markdown'] === true) return usageError(context, 'choose one of --json and --markdown');
      context.stdout.write(context.describe(flags['json'] === true ? 'json' : 'markdown'));
      return OK;
  }
}

function usage(app: string): string {
  const width = Math.max(...Object.values(SUBCOMMANDS).map((s) => s.synopsis.length)) + 2;
  return [
    `Usage: ${app} telemetry <command> [options]`,
    '',
    'Commands:',
    ...Object.values(SUBCOMMANDS).map((s) => `  ${s.synopsis.padEnd(width)} ${s.does}`),
    `  ${'help [command]'.padEnd(width)} this help, or one command's`,
    '',
    `Any command takes --help. With no command: status.`,
    '',
  ].join('\n');
}

function subcommandUsage(app: string, name: Subcommand): string {
  const spec = SUBCOMMANDS[name];
  const details: Readonly<Record<Subcommand, readonly string[]>> = {
    status: ['  --json       machine-readable'],
    enable: ['  --project    write { "enabled": true } to the project file at the repository root (to commit):', '               it lifts the project\'s no; a project can say no for everyone, but only each user can say yes'],
    disable: ['  --project    write the project file at the repository root (to commit): off for everyone there'],
    reset: ['Pending records are deleted too. The next run is a first run again (it shows the notice', 'and sends nothing). A project file is left alone: it belongs to the project.'],
    describe: ['  --json       the document as JSON', '  --markdown   the document as Markdown (the default)'],
  };
  return [`Usage: ${app} telemetry ${spec.synopsis}`, '', `${spec.does[0]?.toUpperCase() ?? ''}${spec.does.slice(1)}.`, '', ...details[name], ''].join('\n');
}

function usageError(context: TelemetryCommandContext, message: string): number {
  context.stderr.write(`${context.appName} telemetry: ${message}\nRun '${context.appName} telemetry help' for usage.\n`);
  return USAGE;
}

function printStatus(context: TelemetryCommandContext, status: ConsentStatus, json: boolean): void {
  const installId = readInstallId(context.files.installId);
  const deletion = context.policy.deletion ?? NOT_STATED;
  if (json) {
    context.stdout.write(`${JSON.stringify({ ...status, installId: installId ?? null, deletion, files: context.files }, null, 2)}\n`);
    return;
  }
  const lines = [
    `Telemetry is ${status.enabled ? 'enabled' : 'disabled'}.`,
    `Decided by: ${status.decidedBy}`,
    `Mode: ${status.mode}`,
    'Sources (any "no" wins):',
    ...status.sources.map((source) => `  ${source.value === undefined ? '-  ' : source.value ? 'yes' : 'no '}  ${source.source}`),
    `Install id: ${installId ?? 'none stored'}`,
    `Deleting your data: ${deletion}`,
    'Files:',
    ...Object.entries(context.files).map(([name, path]) => `  ${name}: ${path}`),
    '',
  ];
  context.stdout.write(lines.join('\n'));
}

function printSet(context: TelemetryCommandContext, result: SetConsentResult, verb: 'enable' | 'disable'): number {
  if (!result.ok) {
    context.stderr.write(`${context.appName} telemetry: could not ${verb} telemetry: ${result.error ?? 'unknown error'}\n`);
    return FAILED;
  }
  const status = context.consent.status();
  context.stdout.write(`Telemetry ${verb}d for ${result.scope === 'project' ? 'this project' : 'you'} (saved in ${result.path ?? 'memory'}).\n`);
  for (const path of result.deleted ?? []) context.stdout.write(`Deleted ${path}\n`);
  for (const failure of result.notDeleted ?? []) context.stdout.write(`Could not delete ${failure}\n`);
  if (verb === 'enable' && !status.enabled) {
    context.stdout.write(`It stays off for now: ${status.decidedBy} says no, and any "no" wins.\n`);
  }
  return OK;
}

function printReset(context: TelemetryCommandContext, result: ResetResult): number {
  context.stdout.write('Telemetry settings reset: your answers, the notice record and the ids are forgotten.\n');
  if (result.deleted.length === 0) context.stdout.write('There was nothing to delete.\n');
  for (const path of result.deleted) context.stdout.write(`Deleted ${path}\n`);
  for (const { path, error } of result.failed) context.stderr.write(`${context.appName} telemetry: could not delete ${path}: ${error}\n`);
  return result.failed.length === 0 ? OK : FAILED;
}
