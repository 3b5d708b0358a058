import type { Attributes, AttributeValue, Exception, Span, Tracer } from '@opentelemetry/api';
import { ROOT_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Diagnostics } from '../diagnostics.js';
import type { CommandHandle, SpanHandle, StepArgs } from './handle.js';
import { splitStepArgs } from './handle.js';
import { isPromiseLike, KeptOpen } from './kept-open.js';
import type { Ending } from './outcome.js';
import { OpenCommands } from './open-commands.js';
import type { OpenEntry } from './open-commands.js';
import { endingAttributes } from './outcome.js';
import { makeRoomFor, withinAppLimit } from './reserved-keys.js';

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
  /** Told of a step that has just begun (the journal keeps it, so a signal that ends the process can't hide it). */
  readonly stepStarted?: ((step: ReadableSpan) => void) | undefined;
}

/**
 * One running command: its span, the `started` record sent when it began,
 * and the single place it ends (`finish`), whichever comes first: the
 * function returning, throwing, a signal, or the process exiting.
 */
export class LiveCommand {
  readonly span: Span;
  readonly handle: CommandHandle;
  /** What `handle.keepOpen()` was given. */
  readonly keptOpen = new KeptOpen();
  /** Steps begun and not yet ended, so a signal or the process exiting can end them too. */
  readonly #steps = new OpenCommands<Span>();
  /** Set by `run()` from main's return value or `process.exitCode`. */
  exitCode: number | undefined;
  readonly #open: OpenCommands<LiveCommand>;
  readonly #openEntry: OpenEntry<LiveCommand>;
  #ended = false;

  constructor(recorder: CommandRecorder, name: string, attributes: Attributes, parent: LiveCommand | undefined) {
    const context = parent ? trace.setSpan(ROOT_CONTEXT, parent.span) : ROOT_CONTEXT;
    this.span = recorder.tracer.startSpan(name, { attributes: withinAppLimit(attributes, undefined) }, context);
    // (A span the sampler did not record, consent withdrawn, has no started record either.)
    if (this.span.isRecording()) {
      // (A recording span is the SDK's, which is also a ReadableSpan.)
      recorder.sendStarted(this.span as unknown as ReadableSpan);
    }
    this.handle = new LiveCommandHandle(this.span, recorder.tracer, recorder.diagnostics, this.#steps, this.keptOpen, recorder.stepStarted);
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
    // A signal or the process exiting (an ending that brings an exit code)
    // ends the steps still running too; otherwise a step ends by itself.
    if (ending.signal !== undefined || ending.exitCode !== undefined) {
      for (const step of this.#steps.takeAll()) endSpan(step, ending);
    }
    // (Spreading keeps an `error: undefined` key, so `throw undefined` stays a failure.)
    endSpan(this.span, full, { 'optel.lifecycle': 'completed' });
  }
}

/** Records how a command or step ended and ends its span. */
function endSpan(span: Span, ending: Ending, extra: Attributes = {}): void {
  const { attributes, failed } = endingAttributes(ending);
  if (failed) span.setStatus({ code: SpanStatusCode.ERROR });
  const ended = { ...extra, ...attributes };
  // optel's own keys keep their room, however many the app set.
  makeRoomFor(span, Object.keys(ended));
  span.setAttributes(ended);
  span.end();
}

/** The attributes a live SDK span holds (undefined for any other span). */
function heldAttributes(span: Span): Attributes | undefined {
  const attributes = (span as unknown as { attributes?: unknown }).attributes;
  return typeof attributes === 'object' && attributes !== null ? (attributes as Attributes) : undefined;
}

class LiveHandle implements SpanHandle {
  readonly span: Span;
  readonly #tracer: Tracer;
  readonly #diagnostics: Diagnostics;
  readonly #steps: OpenCommands<Span>;
  readonly #stepStarted: ((step: ReadableSpan) => void) | undefined;

  constructor(span: Span, tracer: Tracer, diagnostics: Diagnostics, steps: OpenCommands<Span>, stepStarted: ((step: ReadableSpan) => void) | undefined) {
    this.span = span;
    this.#tracer = tracer;
    this.#diagnostics = diagnostics;
    this.#steps = steps;
    this.#stepStarted = stepStarted;
  }

  setAttribute(key: string, value: AttributeValue): this {
    return this.#safely(() => this.span.setAttributes(withinAppLimit({ [key]: value }, heldAttributes(this.span))));
  }

  setAttributes(attributes: Attributes): this {
    return this.#safely(() => this.span.setAttributes(withinAppLimit(attributes, heldAttributes(this.span))));
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
    // Steps have no started record: see "Steps" in the README.
    const open = this.#steps.add(child);
    // (A recording span is the SDK's, which is also a ReadableSpan.)
    if (child.isRecording()) this.#safely(() => this.#stepStarted?.(child as unknown as ReadableSpan));
    const handle = new LiveHandle(child, this.#tracer, this.#diagnostics, this.#steps, this.#stepStarted);
    let ending: Ending = {};
    try {
      return await fn(handle);
    } catch (error) {
      ending = { error };
      throw error;
    } finally {
      // (Already ended, as aborted, if a signal came first.)
      if (!open.removed) {
        this.#steps.delete(open);
        endSpan(child, ending);
      }
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

class LiveCommandHandle extends LiveHandle implements CommandHandle {
  readonly #keptOpen: KeptOpen;

  constructor(
    span: Span,
    tracer: Tracer,
    diagnostics: Diagnostics,
    steps: OpenCommands<Span>,
    keptOpen: KeptOpen,
    stepStarted: ((step: ReadableSpan) => void) | undefined,
  ) {
    super(span, tracer, diagnostics, steps, stepStarted);
    this.#keptOpen = keptOpen;
  }

  keepOpen(until: PromiseLike<unknown>): this {
    if (isPromiseLike(until)) this.#keptOpen.add(until);
    return this;
  }
}
