/**
 * A run that is the app's own `telemetry` subcommand (status, enable,
 * disable, reset, describe) sends nothing about itself. Most of all the run
 * that says no: its `started` record would otherwise leave before the "no"
 * is stored. Known from the arguments before anything starts, so no
 * record of it exists to be sent; `telemetry.cli()` marks the run too, for
 * an app that doesn't pass `argv`.
 */

/** The subcommand's name, as the README and `telemetry.cli()`'s usage text spell it. */
export const TELEMETRY_SUBCOMMAND = 'telemetry';

/**
 * Whether the first argument that is not an option is `telemetry` (before a
 * bare `--`). Options before it (`acme --verbose telemetry disable`) are
 * skipped; an option's separate value (`acme --config x telemetry`) is taken
 * for the command and the run is recorded until `cli()` is called.
 */
export function isTelemetrySubcommandRun(argv: readonly string[]): boolean {
  for (const arg of argv) {
    if (arg === '--') return false;
    if (arg.startsWith('-')) continue;
    return arg === TELEMETRY_SUBCOMMAND;
  }
  return false;
}
