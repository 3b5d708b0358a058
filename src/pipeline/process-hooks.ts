import type { Diagnostics } from '../diagnostics.js';
import type { Pipeline } from './pipeline.js';

/**
 * Process-wide listeners installed once a pipeline exists. None of them
 * changes what the process does; they only make sure nothing is lost:
 *
 * - `beforeExit` (the event loop ran dry, e.g. the app forgot `shutdown()`):
 *   flush, bounded by the exit deadline.
 * - `exit` (any ending, including `process.exit(n)` and uncaught errors): end
 *   the commands still open with the real exit code, and keep whatever could
 *   not be sent in the spool for the next run. Synchronous, as `exit` must be.
 */
export interface ProcessHooksOptions {
  readonly pipeline: Pipeline;
  readonly deadlineMs: number;
  readonly diagnostics: Diagnostics;
  /** The error about to end the process, boxed (it may be `undefined` itself), if an uncaught one was seen. */
  readonly fatalError: () => { readonly error: unknown } | undefined;
}

export function installProcessHooks(options: ProcessHooksOptions): () => void {
  const { pipeline, diagnostics } = options;
  let flushing = false;
  let triedAt = -1;

  const onBeforeExit = (): void => {
    // One try per batch of new spans: after a failed flush the loop is empty
    // again and `beforeExit` fires again; trying forever would hang the app.
    if (flushing || pipeline.pending === 0 || pipeline.added === triedAt) return;
    triedAt = pipeline.added;
    flushing = true;
    void pipeline.flush(Date.now() + options.deadlineMs).finally(() => {
      flushing = false;
    });
  };

  const onExit = (code: number): void => {
    try {
      const fatal = options.fatalError();
      for (const command of pipeline.open.list()) {
        command.finish(fatal === undefined ? { exitCode: code } : { exitCode: code, error: fatal.error });
      }
      pipeline.spoolUnsent();
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
