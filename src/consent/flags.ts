/** The command-line flag a user can pass to any optel-instrumented CLI. */
export const DISABLE_FLAG = '--disable-telemetry';

/**
 * What the flag does (`consent.flag`): `this-run` (default) turns telemetry
 * off for the run it is passed to; `remember` also stores the user's "no",
 * as `telemetry disable` does, so later runs stay off until they say yes.
 */
export type FlagMode = 'this-run' | 'remember';

export function flagModeOf(value: unknown): FlagMode {
  return value === 'remember' ? 'remember' : 'this-run';
}

/**
 * Finds `--disable-telemetry` in `argv` and removes every occurrence in place,
 * so the host's own parser never sees an option it doesn't know. Arguments
 * after a bare `--` belong to the host and are left alone.
 */
export function takeDisableFlag(argv: string[]): boolean {
  let found = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') break;
    if (arg === DISABLE_FLAG) {
      argv.splice(i, 1);
      i--;
      found = true;
    }
  }
  return found;
}
