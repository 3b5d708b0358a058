import type { DataPolicy } from '../config/options.js';
import type { Consent } from '../consent/consent.js';
import type { Diagnostics } from '../diagnostics.js';
import type { UserFiles } from '../files/user-files.js';
import type { DescribeFormat } from './describe.js';
import type { Output } from './telemetry-command.js';

export interface TelemetryCommandContext {
  readonly appName: string;
  readonly consent: Consent;
  readonly describe: (format: DescribeFormat) => string;
  readonly files: UserFiles;
  readonly policy: DataPolicy;
  readonly diagnostics: Diagnostics;
}

/**
 * `telemetry.cli(args)`: marks the run as the subcommand's (it sends nothing
 * more about itself), loads the `telemetry` subcommand (most runs of an app
 * are not that subcommand) and runs it; resolves with its exit code, never
 * throws, never exits the process.
 */
export async function serveTelemetryCommand(
  args: readonly string[],
  outputs: { readonly stdout?: Output; readonly stderr?: Output },
  context: TelemetryCommandContext,
): Promise<number> {
  const stdout = outputs.stdout ?? process.stdout;
  const stderr = outputs.stderr ?? process.stderr;
  // Before anything else (the import below yields): this run sends nothing about itself.
  context.consent.markSubcommandRun();
  try {
    const { runTelemetryCommand } = await import('./telemetry-command.js');
    const { appName, consent, describe, files, policy } = context;
    return runTelemetryCommand(Array.isArray(args) ? args.map(String) : [], { appName, consent, describe, files: { ...files }, policy, stdout, stderr });
  } catch (error) {
    context.diagnostics.report('telemetry command failed', error);
    stderr.write(`${context.appName} telemetry: internal error; see the debug output\n`);
    return 1;
  }
}
