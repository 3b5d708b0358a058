import type { Attributes, AttributeValue, Exception, Span, Tracer } from '@opentelemetry/api';
import { ROOT_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Diagnostics } from '../diagnostics.js';
import type { SpanHandle, StepArgs } from './handle.js';
import { splitStepArgs } from './handle.js';
import type { Ending } from './outcome.js';
import { errorClassName, errorTypeOf, outcomeOf } from './outcome.js';

/** Commands that have started and not yet ended, so a signal or exit can end them. */
export type OpenCommands = Set<LiveCommand>;

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
  readonly #open: OpenCommands;
  #ended = false;

  constructor(tracer: Tracer, name: string, attributes: Attributes, parent: LiveCommand | undefined, open: OpenCommands, diagnostics: Diagnostics) {
    const startTime = Date.now();
    const context = parent ? trace.setSpan(ROOT_CONTEXT, parent.span) : ROOT_CONTEXT;
    this.span = tracer.startSpan(name, { attributes, startTime }, context);
    // The `started` record: a zero-length child sent at once, so a command
    // that never ends (killed, crashed machine) is still visible.
    tracer
      .startSpan(name, { attributes: { ...attributes, 'optel.lifecycle': 'started' }, startTime }, trace.setSpan(ROOT_CONTEXT, this.span))
      .end(startTime);
    this.handle = new LiveHandle(this.span, tracer, diagnostics);
    this.#open = open;
    open.add(this);
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Ends the command span once; later calls do nothing. */
  finish(ending: Ending): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#open.delete(this);
    const exitCode = ending.exitCode ?? this.exitCode;
    const full: Ending = exitCode === undefined ? ending : { ...ending, exitCode };
    // (Spreading keeps an `error: undefined` key, so `throw undefined` stays a failure.)
    const outcome = outcomeOf(full);
    this.span.setAttribute('optel.lifecycle', 'completed');
    this.span.setAttribute('optel.outcome', outcome);
    if (exitCode !== undefined) this.span.setAttribute('process.exit.code', exitCode);
    const errorType = errorTypeOf(full);
    if (outcome === 'failure') {
      if (errorType !== undefined) this.span.setAttribute('error.type', errorType);
      this.span.setStatus({ code: SpanStatusCode.ERROR });
    }
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
