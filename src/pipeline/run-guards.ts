import type { Diagnostics } from '../diagnostics.js';
import { exitCodeForSignal } from '../lifecycle/outcome.js';

const HANDLED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

export interface RunGuardsOptions {
  /** Ends every open command as aborted by `signal`. */
  readonly abortAll: (signal: NodeJS.Signals, exitCode: number) => void;
  /** Records the error that is about to end the process. */
  readonly onFatal: (error: unknown) => void;
  readonly flush: (deadlineAt: number) => Promise<void>;
  readonly deadlineMs: number;
  readonly diagnostics: Diagnostics;
}

/**
 * Listeners that live while `run()` runs.
 *
 * SIGINT / SIGTERM: the open commands end as `aborted`, the records are
 * flushed within the deadline, then, if nobody else listens for that signal,
 * the signal is raised again with our listener gone, so the process dies of
 * it exactly as it would have without optel. If the app has its own
 * listener, the app decides what happens next. A second signal skips the
 * flush.
 *
 * Uncaught errors: only observed (`uncaughtExceptionMonitor`), never
 * handled, so Node's own behaviour (message, exit code) is unchanged.
 */
export function installRunGuards(options: RunGuardsOptions): { uninstall: () => void } {
  let handling = false;
  const listeners = new Map<NodeJS.Signals, () => void>();

  const uninstall = (): void => {
    for (const [signal, listener] of listeners) process.off(signal, listener);
    listeners.clear();
    process.off('uncaughtExceptionMonitor', onUncaught);
  };

  const reraise = (signal: NodeJS.Signals): void => {
    uninstall();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };

  const onSignal = (signal: NodeJS.Signals): void => {
    if (handling) {
      reraise(signal);
      return;
    }
    handling = true;
    try {
      options.abortAll(signal, exitCodeForSignal(signal));
    } catch (error) {
      options.diagnostics.report('could not end commands on signal', error);
    }
    const appListens = process.listenerCount(signal) > 1;
    const flushed = options.flush(Date.now() + options.deadlineMs);
    if (appListens) return;
    void flushed.finally(() => reraise(signal));
  };

  const onUncaught = (error: unknown, origin: NodeJS.UncaughtExceptionOrigin): void => {
    const handled =
      process.listenerCount('uncaughtException') > 0 || (origin === 'unhandledRejection' && process.listenerCount('unhandledRejection') > 0);
    if (!handled) options.onFatal(error);
  };

  for (const signal of HANDLED_SIGNALS) {
    const listener = (): void => onSignal(signal);
    listeners.set(signal, listener);
    // First in line, so the command is marked aborted even if an app listener exits at once.
    process.prependListener(signal, listener);
  }
  process.on('uncaughtExceptionMonitor', onUncaught);
  return { uninstall };
}
