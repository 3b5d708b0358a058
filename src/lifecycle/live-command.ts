import type { Attributes, AttributeValue, Exception, Span, Tracer } from '@opentelemetry/api';
import { ROOT_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Diagnostics } from '../diagnostics.js';
import type { SpanHandle, StepArgs } from './handle.js';
import { splitStepArgs } from './handle.js';
import type { Ending } from './outcome.js';
import type { OpenCommands, OpenEntry } from './open-commands.js';
import { errorClassName, errorTypeOf, outcomeOf } from './outcome.js';

/** What a command needs from the pipeline. */
export interface CommandRecorder {
  readonly tracer: Tracer;
  readonly open: OpenCommands<LiveCommand>;
  readonly diagnostics: Diagnostics;
  /**
   * Sends the `started` record of a command that has just begun (a
   * zero-length child, so a command that never ends is still visible), at
   * once rather than with the next batch.
   */
  sendStarted(command: ReadableSpan): void;
}

/**
 * One running command: its span, the `started` record sent when it began,
 * and the single place it ends (`finish`), whichever comes first: the
 * function returning, throwing, a signal, or the process exiting.
 */
export class LiveCommand {
  readonly span: Span;
  readonly handle: SpanHandle;
  /** Set by `run()` from main's return value or `process.exitCode`. */
  exitCode: number | undefined;
  readonly #open: OpenCommands<LiveCommand>;
  readonly #openEntry: OpenEntry<LiveCommand>;
  #ended = false;

  constructor(recorder: CommandRecorder, name: string, attributes: Attributes, parent: LiveCommand | undefined) {
    const context = parent ? trace.setSpan(ROOT_CONTEXT, parent.span) : ROOT_CONTEXT;
    this.span = recorder.tracer.startSpan(name, { attributes }, context);
    // (A span the sampler did not record, consent withdrawn, has no started record either.)
    if (this.span.isRecording()) {
      // (A recording span is the SDK's, which is also a ReadableSpan.)
      recorder.sendStarted(this.span as unknown as ReadableSpan);
    }
    this.handle = new LiveHandle(this.span, recorder.tracer, recorder.diagnostics);
    this.#open = recorder.open;
    this.#openEntry = recorder.open.add(this);
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Ends the command span once; later calls do nothing. */
  finish(ending: Ending): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#open.delete(this.#openEntry);
    const exitCode = ending.exitCode ?? this.exitCode;
    const full: Ending = exitCode === undefined ? ending : { ...ending, exitCode };
    // (Spreading keeps an `error: undefined` key, so `throw undefined` stays a failure.)
    const outcome = outcomeOf(full);
    const ended: Attributes = { 'optel.lifecycle': 'completed', 'optel.outcome': outcome };
    if (exitCode !== undefined) ended['process.exit.code'] = exitCode;
    if (outcome === 'failure') {
      const errorType = errorTypeOf(full);
      if (errorType !== undefined) ended['error.type'] = errorType;
      this.span.setStatus({ code: SpanStatusCode.ERROR });
    }
    this.span.setAttributes(ended);
    this.span.end();
  }
}

class LiveHandle implements SpanHandle {
  readonly span: Span;
  readonly #tracer: Tracer;
  readonly #diagnostics: Diagnostics;

  constructor(span: Span, tracer: Tracer, diagnostics: Diagnostics) {
    this.span = span;
    this.#tracer = tracer;
    this.#diagnostics = diagnostics;
  }

  setAttribute(key: string, value: AttributeValue): this {
    return this.#safely(() => this.span.setAttribute(key, value));
  }

  setAttributes(attributes: Attributes): this {
    return this.#safely(() => this.span.setAttributes(attributes));
  }

  addEvent(name: string, attributes?: Attributes): this {
    return this.#safely(() => this.span.addEvent(name, attributes));
  }

  recordException(error: Exception): this {
    return this.#safely(() => this.span.recordException(error));
  }

  async step<T>(name: string, ...args: StepArgs<T>): Promise<T> {
    const { attributes, fn } = splitStepArgs(args);
    let child: Span | undefined;
    try {
      child = this.#tracer.startSpan(name, { attributes }, trace.setSpan(ROOT_CONTEXT, this.span));
    } catch (error) {
      this.#diagnostics.report('could not start a step', error);
    }
    if (!child) return fn(this);
    const handle = new LiveHandle(child, this.#tracer, this.#diagnostics);
    try {
      const result = await fn(handle);
      child.end();
      return result;
    } catch (error) {
      child.setAttribute('error.type', errorClassName(error));
      child.setStatus({ code: SpanStatusCode.ERROR });
      child.end();
      throw error;
    }
  }

  #safely(action: () => unknown): this {
    try {
      action();
    } catch (error) {
      this.#diagnostics.report('span update failed', error);
    }
    return this;
  }
}
