import type { Diagnostics } from '../diagnostics.js';
import { Recorder } from '../lifecycle/recorder.js';
import type { createPipeline, PipelineConfig, Pipeline } from './pipeline.js';
import { loadPipelineSoon, requirePipeline } from './load-pipeline.js';
import { installProcessHooks } from './process-hooks.js';
import { installRunGuards } from './run-guards.js';

export interface SessionConfig extends Omit<PipelineConfig, 'recorder'> {
  /** The exit deadline for flushing at the end of `run()`, on a signal, and when the event loop runs dry. */
  readonly deadlineMs: number;
  /** The error about to end the process, boxed, if an uncaught one was seen (for the exit hook). */
  readonly fatalError: () => { readonly error: unknown } | undefined;
}

/**
 * Telemetry with consent, for one stretch of "yes": the command recorder,
 * ready at once, and the pipeline, which loads in parallel with the app's
 * first command and then connects to the recorder. Also the process-wide
 * hooks that make sure nothing recorded is lost at exit. A "no" ends the
 * session for good (`discard`); a later "yes" starts a new one, with new
 * ids and keys.
 */
export class Session {
  readonly recorder: Recorder;
  readonly #config: SessionConfig;
  readonly #diagnostics: Diagnostics;
  readonly #loading: Promise<Pipeline | undefined>;
  readonly #removeHooks: () => void;
  #pipeline: Pipeline | undefined;
  #discarded = false;

  constructor(config: SessionConfig) {
    this.#config = config;
    this.#diagnostics = config.diagnostics;
    this.recorder = new Recorder({ isEnabled: () => !this.#discarded && config.consentGiven() }, config.diagnostics, config.sdkVersion);
    this.#loading = loadPipelineSoon().then(
      (module) => this.#create(module),
      (error: unknown) => {
        this.#diagnostics.report('could not load the telemetry pipeline', error);
        return undefined;
      },
    );
    // A command that ends before the pipeline has loaded (in the app's first turn) loads it at once, if it
    // can synchronously: its records must reach the journal before the app may keep the main thread busy.
    this.recorder.whenFirstEnded(() => this.#loadNow());
    this.#removeHooks = installProcessHooks({ session: this, deadlineMs: config.deadlineMs, diagnostics: config.diagnostics, fatalError: config.fatalError });
  }

  get pending(): number {
    return this.#pipeline ? this.#pipeline.pending : this.recorder.waiting;
  }

  get added(): number {
    return this.#pipeline ? this.#pipeline.added : this.recorder.waiting;
  }

  stats(): { readonly sent: number; readonly dropped: number; readonly pending: number } {
    const pipeline = this.#pipeline;
    const dropped = this.recorder.dropped;
    return pipeline ? { sent: pipeline.sent, dropped: pipeline.dropped + dropped, pending: pipeline.pending } : { sent: 0, dropped, pending: this.recorder.waiting };
  }

  /** Sends what is pending (once the pipeline has loaded) until done or `deadlineAt`. Never rejects. */
  async flush(deadlineAt: number): Promise<void> {
    const pipeline = this.#pipeline ?? (await raceDeadline(this.#loading, deadlineAt));
    if (pipeline) await pipeline.flush(deadlineAt);
  }

  /** Synchronously keeps what is unsent for the next run (process `exit`), loading the pipeline now if it must. */
  spoolUnsent(): void {
    if (this.#discarded) return;
    if (!this.#pipeline && this.recorder.waiting > 0) {
      try {
        this.#create(requirePipeline());
      } catch (error) {
        this.#diagnostics.report('could not keep the records of a process that ended before telemetry had loaded', error);
      }
    }
    this.#pipeline?.spoolUnsent();
  }

  #loadNow(): void {
    if (this.#pipeline || this.#discarded) return;
    try {
      this.#create(requirePipeline());
    } catch {
      // Run from the sources (no built CommonJS file): the dynamic import under way connects it.
    }
  }

  /** Consent was withdrawn: drops everything recorded and not sent, for good. */
  discard(): void {
    this.#discarded = true;
    this.recorder.discard();
    this.#pipeline?.discard();
    void this.#loading.then((pipeline) => pipeline?.discard());
    this.#removeHooks();
  }

  /**
   * Guards a `run()` until `uninstall()`: SIGINT/SIGTERM end the open
   * commands as aborted and flush; an uncaught error is handed to `onFatal`.
   */
  guardRun(onFatal: (error: unknown) => void): { uninstall: () => void } {
    return installRunGuards({
      abortAll: (signal, exitCode) => {
        for (const open of this.recorder.open.list()) open.finish({ signal, exitCode });
      },
      onFatal,
      flush: (deadlineAt) => this.flush(deadlineAt),
      deadlineMs: this.#config.deadlineMs,
      diagnostics: this.#diagnostics,
    });
  }

  #create(module: { createPipeline: typeof createPipeline }): Pipeline | undefined {
    if (this.#pipeline) return this.#pipeline;
    if (this.#discarded) return undefined;
    try {
      this.#pipeline = module.createPipeline({ ...this.#config, recorder: this.recorder });
    } catch (error) {
      this.#diagnostics.report('could not start the telemetry pipeline', error);
    }
    return this.#pipeline;
  }
}

/** `work`'s value, or undefined once `deadlineAt` passes; the timer doesn't hold the process. */
function raceDeadline<T>(work: Promise<T>, deadlineAt: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), Math.max(0, deadlineAt - Date.now()));
    timer.unref();
    void work.then((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}
