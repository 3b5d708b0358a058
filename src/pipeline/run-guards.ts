import type { Diagnostics } from '../diagnostics.js';
import { exitCodeForSignal } from '../lifecycle/outcome.js';

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

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
 * SIGINT / SIGTERM: optel holds no signal of its own. A JavaScript listener
 * replaces Node's default action (die of the signal at once), and it can
 * only run when the main thread is free, so a listener would keep Ctrl-C
 * from ending a busy loop. So while the app has no listener for a signal,
 * neither has optel: the process dies of it exactly as without optel, and
 * the command cut short is recovered by the next run from the journal
 * (see journal.ts): its started record and anything unsent, and a completed
 * record with `optel.outcome=aborted`. Once the app adds a listener (the
 * process no longer dies of that signal anyway), optel listens too, first in
 * line: the open commands end as aborted and the records are flushed within
 * the deadline; what happens next is the app's to decide. When the app
 * removes its last listener, optel's goes too.
 *
 * Uncaught errors: only observed (`uncaughtExceptionMonitor`), never
 * handled, so Node's own behaviour (message, exit code) is unchanged.
 */
export function installRunGuards(options: RunGuardsOptions): { uninstall: () => void } {
  const ours = new Map<NodeJS.Signals, () => void>();
  let handled = false;

  const onSignal = (signal: NodeJS.Signals): void => {
    if (handled) return;
    handled = true;
    try {
      options.abortAll(signal, exitCodeForSignal(signal));
    } catch (error) {
      options.diagnostics.report('could not end commands on signal', error);
    }
    void options.flush(Date.now() + options.deadlineMs);
  };

  const listen = (signal: NodeJS.Signals): void => {
    if (ours.has(signal)) return;
    const listener = (): void => onSignal(signal);
    ours.set(signal, listener);
    // First in line, so the command is marked aborted even if the app's listener exits at once.
    process.prependListener(signal, listener);
  };

  const stopListening = (signal: NodeJS.Signals): void => {
    const listener = ours.get(signal);
    if (listener === undefined) return;
    ours.delete(signal);
    process.off(signal, listener);
  };

  const isOurs = (signal: NodeJS.Signals, listener: unknown): boolean => ours.get(signal) === listener;

  const onNewListener = (event: string | symbol, listener: unknown): void => {
    if (isWatched(event) && !isOurs(event, listener)) listen(event);
  };

  const onRemoveListener = (event: string | symbol, listener: unknown): void => {
    // (Emitted after the listener is gone: only ours left means the app has none.)
    if (isWatched(event) && !isOurs(event, listener) && ours.has(event) && process.listenerCount(event) <= 1) stopListening(event);
  };

  const onUncaught = (error: unknown, origin: NodeJS.UncaughtExceptionOrigin): void => {
    const appHandles =
      process.listenerCount('uncaughtException') > 0 || (origin === 'unhandledRejection' && process.listenerCount('unhandledRejection') > 0);
    if (!appHandles) options.onFatal(error);
  };

  for (const signal of SIGNALS) if (process.listenerCount(signal) > 0) listen(signal);
  process.on('newListener', onNewListener);
  process.on('removeListener', onRemoveListener);
  process.on('uncaughtExceptionMonitor', onUncaught);
  return {
    uninstall: () => {
      process.off('newListener', onNewListener);
      process.off('removeListener', onRemoveListener);
      process.off('uncaughtExceptionMonitor', onUncaught);
      for (const signal of [...ours.keys()]) stopListening(signal);
    },
  };
}

function isWatched(event: string | symbol): event is NodeJS.Signals {
  return event === 'SIGINT' || event === 'SIGTERM';
}
