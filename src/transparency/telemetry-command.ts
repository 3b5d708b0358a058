import type { Consent, ConsentScope, SetConsentResult } from '../consent/consent.js';
import type { ConsentStatus } from '../consent/resolve.js';
import type { DescribeFormat } from './describe.js';

export interface Output {
  write(text: string): unknown;
}

export interface TelemetryCommandContext {
  readonly appName: string;
  readonly consent: Consent;
  readonly describe: (format: DescribeFormat) => string;
  readonly files: Readonly<Record<string, string>>;
  readonly stdout: Output;
  readonly stderr: Output;
}

/** Exit codes: 0 done, 1 could not do it (e.g. a file not writable), 2 bad arguments. */
const OK = 0;
const FAILED = 1;
const USAGE = 2;

/**
 * A host CLI's `telemetry` subcommand: `status [--json]`, `enable [--project]`,
 * `disable [--project]`, `describe [--json|--markdown]`. Prints to the given
 * outputs and returns an exit code; never throws and never exits.
 */
export function runTelemetryCommand(args: readonly string[], context: TelemetryCommandContext): number {
  const [subcommand = 'status', ...rest] = args;
  const flags = new Set(rest);
  const allow = (...allowed: string[]): boolean => {
    const unknown = rest.filter((arg) => !allowed.includes(arg));
    if (unknown.length === 0) return true;
    usageError(context, `unknown option for "telemetry ${subcommand}": ${unknown.join(' ')}`);
    return false;
  };
  switch (subcommand) {
    case 'status':
      if (!allow('--json')) return USAGE;
      printStatus(context, context.consent.status(), flags.has('--json'));
      return OK;
    case 'enable':
    case 'disable': {
      if (!allow('--project')) return USAGE;
      const scope: ConsentScope = flags.has('--project') ? 'project' : 'user';
      return printSet(context, context.consent.set(subcommand === 'enable', { scope }), subcommand);
    }
    case 'describe':
      if (!allow('--json', '--markdown')) return USAGE;
      if (flags.has('--json') && flags.has('--markdown')) {
        usageError(context, 'choose one of --json and --markdown');
        return USAGE;
      }
      context.stdout.write(context.describe(flags.has('--json') ? 'json' : 'markdown'));
      return OK;
    case 'help':
    case '--help':
    case '-h':
      context.stdout.write(usage(context.appName));
      return OK;
    default:
      usageError(context, `unknown telemetry command "${subcommand}"`);
      return USAGE;
  }
}

function usage(app: string): string {
  return [
    `Usage: ${app} telemetry <command>`,
    '',
    'Commands:',
    '  status [--json]            is telemetry on, who decided, which files are used',
    '  enable [--project]         turn telemetry on (for you, or for this project)',
    '  disable [--project]        turn telemetry off and delete the local ids',
    '  describe [--json]          what is collected, from the app\'s own catalogue',
    '',
  ].join('\n');
}

function usageError(context: TelemetryCommandContext, message: string): void {
  context.stderr.write(`${context.appName} telemetry: ${message}\nRun '${context.appName} telemetry help' for usage.\n`);
}

function printStatus(context: TelemetryCommandContext, status: ConsentStatus, json: boolean): void {
  if (json) {
    context.stdout.write(`${JSON.stringify({ ...status, files: context.files }, null, 2)}\n`);
    return;
  }
  const lines = [
    `Telemetry is ${status.enabled ? 'enabled' : 'disabled'}.`,
    `Decided by: ${status.decidedBy}`,
    `Mode: ${status.mode}`,
    'Sources (any "no" wins):',
    ...status.sources.map((source) => `  ${source.value === undefined ? '-  ' : source.value ? 'yes' : 'no '}  ${source.source}`),
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
  if (verb === 'enable' && !status.enabled) {
    context.stdout.write(`It stays off for now: ${status.decidedBy} says no, and any "no" wins.\n`);
  }
  return OK;
}
