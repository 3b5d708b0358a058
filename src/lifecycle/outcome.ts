import { WIRE_KEYS } from '../transparency/wire-keys.js';

/** How a command ended, as it appears in `optel.outcome`. */
export type Outcome = 'success' | 'failure' | 'aborted';

export interface Ending {
  /**
   * The error the command threw, or that ended the process. Its presence is
   * what counts (`'error' in ending`): a command can `throw undefined`.
   */
  readonly error?: unknown;
  /** The process exit code, when known. */
  readonly exitCode?: number;
  /** The signal that ended the process. */
  readonly signal?: NodeJS.Signals;
}

/**
 * success: returned normally (and, when known, exit code 0); failure: threw,
 * or a non-zero exit code; aborted: a signal ended it.
 */
export function outcomeOf(ending: Ending): Outcome {
  if (ending.signal !== undefined) return 'aborted';
  if ('error' in ending) return 'failure';
  if (ending.exitCode !== undefined && ending.exitCode !== 0) return 'failure';
  return 'success';
}

/**
 * `error.type`: the error's class name; for a plain non-zero exit, the exit
 * code as a string (as the OpenTelemetry CLI conventions do). Only the name
 * leaves, never the message.
 */
export function errorTypeOf(ending: Ending): string | undefined {
  if ('error' in ending) return errorClassName(ending.error);
  if (ending.exitCode !== undefined && ending.exitCode !== 0 && ending.signal === undefined) return String(ending.exitCode);
  return undefined;
}

/**
 * What records how a command or a step ended: `optel.outcome`, the exit code
 * when known, `error.type` on failure, and whether the span's status is ERROR.
 * With `lifecycle` (a command's completed record), `optel.lifecycle` first.
 */
export function endingAttributes(ending: Ending, lifecycle?: string): { readonly attributes: Record<string, string | number>; readonly failed: boolean } {
  const outcome = outcomeOf(ending);
  const attributes: Record<string, string | number> =
    lifecycle === undefined ? { [WIRE_KEYS.outcome]: outcome } : { [WIRE_KEYS.lifecycle]: lifecycle, [WIRE_KEYS.outcome]: outcome };
  if (ending.exitCode !== undefined) attributes[WIRE_KEYS.exitCode] = ending.exitCode;
  if (outcome !== 'failure') return { attributes, failed: false };
  const errorType = errorTypeOf(ending);
  if (errorType !== undefined) attributes[WIRE_KEYS.errorType] = errorType;
  return { attributes, failed: true };
}

/**
 * Never throws, whatever was thrown: a Proxy whose every property access
 * throws, an object with a throwing `constructor` getter, a revoked Proxy
 * (whose `typeof` is still safe) all give `Error`.
 */
export function errorClassName(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    try {
      const name: unknown = (error as { constructor?: { name?: unknown } }).constructor?.name;
      if (typeof name === 'string' && /^[A-Za-z_$][\w$]{0,99}$/.test(name)) return name;
    } catch {
      // Reading the thrown value threw: its class can't be known.
    }
    return 'Error';
  }
  return '_OTHER';
}

/** 128 + signal number, as a shell reports a process killed by that signal. */
export function exitCodeForSignal(signal: NodeJS.Signals): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGTERM: 15 };
  return 128 + (numbers[signal] ?? 0);
}
