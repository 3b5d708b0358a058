import type { Diagnostics } from '../diagnostics.js';
import type { OpenCommands } from '../lifecycle/open-commands.js';
import type { OpenCommand } from '../lifecycle/recorder.js';

/**
 * Process-wide listeners installed while a session (telemetry with consent) lasts. None of them
 * changes what the process does; they only make sure nothing is lost:
 *
 * - `beforeExit` (the event loop ran dry, e.g. the app forgot `shutdown()`):
 *   flush, bounded by the exit deadline.
 * - `exit` (any ending, including `process.exit(n)` and uncaught errors): end
 *   the commands still open with the real exit code, and keep whatever could
 *   not be sent in the spool for the next run. Synchronous, as `exit` must be.
 */
/** What the hooks need of the session. */
export interface HookedSession {
  readonly recorder: { readonly open: OpenCommands<OpenCommand> };
  /** Records recorded and not yet sent, and records ever handed on (to tell whether anything is new). */
  readonly pending: number;
  readonly added: number;
  flush(deadlineAt: number): Promise<void>;
  spoolUnsent(): void;
}

export interface ProcessHooksOptions {
  readonly session: HookedSession;
  readonly deadlineMs: number;
  readonly diagnostics: Diagnostics;
  /** The error about to end the process, boxed (it may be `undefined` itself), if an uncaught one was seen. */
  readonly fatalError: () => { readonly error: unknown } | undefined;
}

export function installProcessHooks(options: ProcessHooksOptions): () => void {
  const { session, diagnostics } = options;
  let flushing = false;
  let triedAt = -1;

  const onBeforeExit = (): void => {
    // One try per batch of new spans: after a failed flush the loop is empty
    // again and `beforeExit` fires again; trying forever would hang the app.
    if (flushing || session.pending === 0 || session.added === triedAt) return;
    triedAt = session.added;
    flushing = true;
    void session.flush(Date.now() + options.deadlineMs).finally(() => {
      flushing = false;
    });
  };

  const onExit = (code: number): void => {
    try {
      const fatal = options.fatalError();
      for (const command of session.recorder.open.list()) {
        command.finish(fatal === undefined ? { exitCode: code } : { exitCode: code, error: fatal.error });
      }
      session.spoolUnsent();
    } catch (error) {
      diagnostics.report('exit hook failed', error);
    }
  };

  process.on('beforeExit', onBeforeExit);
  process.on('exit', onExit);
  return () => {
    process.off('beforeExit', onBeforeExit);
    process.off('exit', onExit);
  };
}
