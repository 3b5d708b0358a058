import type { AsyncLocalStorage } from 'node:async_hooks';
import type { CommandHandle } from './handle.js';
import { isPromiseLike } from './kept-open.js';
import type { LiveCommand } from './live-command.js';
import { NoopCommandHandle } from './noop-handle.js';
import { runToEnd } from './run-to-end.js';

export type CommandFn<T> = (command: CommandHandle) => T | Promise<T>;

/**
 * Runs a command's function at once, as `command` (as the current command,
 * for nested ones), or with a handle that records nothing when there is no
 * command; ends the command when the function and what it kept open have
 * settled. `whileKeptOpen` holds optel's signal guards while the command
 * waits for what it kept open. Returns what the function returns, rethrows
 * what it throws, unchanged.
 */
export async function runAs<T>(
  command: LiveCommand | undefined,
  fn: CommandFn<T>,
  current: AsyncLocalStorage<LiveCommand> | undefined,
  whileKeptOpen: () => () => void,
): Promise<T> {
  if (!command) {
    const handle = new NoopCommandHandle();
    return runToEnd(() => fn(handle), handle.keptOpen);
  }
  try {
    const run = (): T | Promise<T> => (current ? current.run(command, fn, command.handle) : fn(command.handle));
    const ran = runToEnd(run, command.keptOpen, whileKeptOpen);
    // A synchronous body ends the command now; only a promise is waited for.
    const result = isPromiseLike(ran) ? await ran : ran;
    command.finish({});
    return result;
  } catch (error) {
    command.finish({ error });
    throw error;
  }
}

/** The exit code the process would end with now (for `run()`'s top-level command). */
export function currentExitCode(): number {
  const code = process.exitCode;
  if (typeof code === 'number') return code;
  if (typeof code === 'string' && /^\d+$/.test(code)) return Number(code);
  return 0;
}
