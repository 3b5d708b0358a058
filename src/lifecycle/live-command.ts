import type { Attributes, AttributeValue, Exception, Span } from '@opentelemetry/api';
import { COMPLETED } from '../transparency/wire-keys.js';
import type { CommandHandle, SpanHandle, StepArgs } from './handle.js';
import { splitStepArgs } from './handle.js';
import { isPromiseLike, KeptOpen } from './kept-open.js';
import type { Ending } from './outcome.js';
import { endingAttributes } from './outcome.js';
import type { OpenEntry } from './open-commands.js';
import { OpenCommands } from './open-commands.js';
import type { RecordedSpan } from './recorded-span.js';
import type { OpenCommand, Recorder } from './recorder.js';
import { withinAppLimit } from './reserved-keys.js';

/** SpanStatusCode.ERROR, as a number: no OpenTelemetry module is loaded to record a span. */
const STATUS_ERROR = 2;

/**
 * One running command: its span, the `started` record handed on when it
 * began, and the single place it ends (`finish`), whichever comes first:
 * the function returning (and what it kept open settling), throwing, a
 * signal, or the process exiting.
 */
export class LiveCommand implements OpenCommand {
  readonly span: RecordedSpan;
  readonly handle: CommandHandle;
  /** What `handle.keepOpen()` was given. */
  readonly keptOpen = new KeptOpen();
  /** Steps begun and not yet ended, so a signal or the process exiting can end them too. */
  readonly #steps = new OpenCommands<RecordedSpan>();
  /** Set by `run()` from main's return value or `process.exitCode`. */
  exitCode: number | undefined;
  readonly #recorder: Recorder;
  readonly #openEntry: OpenEntry<OpenCommand>;
  #ended = false;

  /** A command, or undefined when consent is not given right now (then nothing is recorded). */
  static start(recorder: Recorder, name: string, attributes: Attributes, parent: LiveCommand | undefined): LiveCommand | undefined {
    const span = recorder.startSpan(name, withinAppLimit(attributes, undefined), parent?.span);
    return span && new LiveCommand(recorder, span);
  }

  private constructor(recorder: Recorder, span: RecordedSpan) {
    this.span = span;
    this.#recorder = recorder;
    recorder.recordStarted(span);
    this.handle = new LiveCommandHandle(span, recorder, this.#steps, this.keptOpen);
    this.#openEntry = recorder.open.add(this);
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Ends the command span once; later calls do nothing. */
  finish(ending: Ending): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#recorder.open.delete(this.#openEntry);
    const exitCode = ending.exitCode ?? this.exitCode;
    const full: Ending = exitCode === undefined ? ending : { ...ending, exitCode };
    // A signal or the process exiting (an ending that brings an exit code)
    // ends the steps still running too; otherwise a step ends by itself.
    if (ending.signal !== undefined || ending.exitCode !== undefined) {
      for (const step of this.#steps.takeAll()) endSpan(step, ending);
    }
    // (Spreading keeps an `error: undefined` key, so `throw undefined` stays a failure.)
    endSpan(this.span, full, COMPLETED);
  }
}

/**
 * Records how a command or step ended and ends its span; a command's
 * completed record also says so (`optel.lifecycle`). The attributes are
 * built in one object literal, not merged by spreading: V8 gave each spread
 * result a hidden class of its own, one more map per command in the old
 * generation.
 */
function endSpan(span: RecordedSpan, ending: Ending, lifecycle?: typeof COMPLETED): void {
  const { attributes, failed } = endingAttributes(ending, lifecycle);
  if (failed) span.setStatus({ code: STATUS_ERROR });
  // optel's own keys keep their room, however many the app set.
  span.makeRoomFor(Object.keys(attributes));
  span.setAttributes(attributes);
  span.end();
}

class LiveHandle implements SpanHandle {
  readonly span: Span;
  readonly #recorded: RecordedSpan;
  readonly #recorder: Recorder;
  readonly #steps: OpenCommands<RecordedSpan>;

  constructor(span: RecordedSpan, recorder: Recorder, steps: OpenCommands<RecordedSpan>) {
    this.span = span;
    this.#recorded = span;
    this.#recorder = recorder;
    this.#steps = steps;
  }

  // (Within the app's limit: optel's own keys keep their room on the span.)
  setAttribute(key: string, value: AttributeValue): this {
    return this.#safely(() => this.span.setAttributes(withinAppLimit({ [key]: value }, this.#recorded.attributes)));
  }

  setAttributes(attributes: Attributes): this {
    return this.#safely(() => this.span.setAttributes(withinAppLimit(attributes, this.#recorded.attributes)));
  }

  addEvent(name: string, attributes?: Attributes): this {
    return this.#safely(() => this.span.addEvent(name, attributes));
  }

  recordException(error: Exception): this {
    return this.#safely(() => this.span.recordException(error));
  }

  async step<T>(name: string, ...args: StepArgs<T>): Promise<T> {
    const { attributes, fn } = splitStepArgs(args);
    let child: RecordedSpan | undefined;
    try {
      child = this.#recorder.startSpan(name, attributes, this.#recorded);
    } catch (error) {
      this.#recorder.diagnostics.report('could not start a step', error);
    }
    if (!child) return fn(this);
    // Steps have no started record (see "Steps" in the README), but the journal learns of them.
    const open = this.#steps.add(child);
    this.#recorder.stepOpened(child);
    const handle = new LiveHandle(child, this.#recorder, this.#steps);
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
      this.#recorder.diagnostics.report('span update failed', error);
    }
    return this;
  }
}

class LiveCommandHandle extends LiveHandle implements CommandHandle {
  readonly #keptOpen: KeptOpen;

  constructor(span: RecordedSpan, recorder: Recorder, steps: OpenCommands<RecordedSpan>, keptOpen: KeptOpen) {
    super(span, recorder, steps);
    this.#keptOpen = keptOpen;
  }

  keepOpen(until: PromiseLike<unknown>): this {
    if (isPromiseLike(until)) this.#keptOpen.add(until);
    return this;
  }
}
