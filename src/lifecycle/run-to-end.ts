import type { KeptOpen } from './kept-open.js';
import { isPromiseLike } from './kept-open.js';

/**
 * Runs a command's function and gives its result once the command is over:
 * the function has returned (or its promise settled) and whatever it kept
 * open (`cmd.keepOpen`) has settled. Synchronous when both are: a command
 * with a synchronous body that kept nothing open ends in the same turn.
 * `whileKeptOpen` is called when the wait for what was kept open begins and
 * returns what to call when it ends (optel's signal guards, so a signal ends
 * a long-running command as aborted). A rejection of what was kept open is
 * thrown as the command's error.
 */
export function runToEnd<T>(fn: () => T | PromiseLike<T>, kept: KeptOpen, whileKeptOpen?: () => () => void): T | Promise<T> {
  const returned = fn();
  if (isPromiseLike(returned)) return Promise.resolve(returned).then((result) => waitKeptOpen(result, kept, whileKeptOpen));
  return waitKeptOpen(returned, kept, whileKeptOpen);
}

function waitKeptOpen<T>(result: T, kept: KeptOpen, whileKeptOpen: (() => () => void) | undefined): T | Promise<T> {
  const settled = kept.settled();
  if (settled === undefined) return result;
  const release = whileKeptOpen?.();
  return settled.then(
    () => {
      release?.();
      return result;
    },
    (error: unknown) => {
      release?.();
      throw error;
    },
  );
}
