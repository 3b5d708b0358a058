import type { Attributes } from '@opentelemetry/api';
import type { Diagnostics } from '../diagnostics.js';
import type { ConsentCheck } from '../sdk/consent-sampler.js';
import { STARTED, WIRE_KEYS } from '../transparency/wire-keys.js';
import type { Ending } from './outcome.js';
import { OpenCommands } from './open-commands.js';
import type { SpanOwner } from './recorded-span.js';
import { RecordedSpan } from './recorded-span.js';
import type { InstrumentationScope, Resource } from '../sdk/sdk-types.js';

/**
 * What the recorder hands on: a span that `ended`, a command's `started`
 * record (to leave at once), or a step that has just `opened` (for the
 * journal; it ends later as an `ended` span).
 */
export type RecordKind = 'ended' | 'started' | 'opened';

/** Where recorded spans go once the pipeline is there. */
export type RecordSink = (span: RecordedSpan, kind: RecordKind) => void;

/** A command that has started and not yet ended, which a signal or the process exiting can end. */
export interface OpenCommand {
  finish(ending: Ending): void;
}

/** Records kept while the pipeline loads; more are dropped and counted. */
const MAX_WAITING = 2048;

/** Until the pipeline sets the real one (spans are only read for export after that). */
const NO_RESOURCE: Resource = {
  attributes: {},
  asyncAttributesPending: false,
  waitForAsyncAttributes: () => Promise.resolve(),
  merge: (other) => other ?? NO_RESOURCE,
  getRawAttributes: () => [],
};

/**
 * The command recorder: the head of the pipeline, and the only part of it
 * loaded before the first command (it is small). It starts optel's spans in
 * memory, asking consent at each start (the consent sampler: with consent
 * withdrawn, nothing is recorded), and hands every ended span, and every
 * command's started record, to the sink the pipeline connects. Until then
 * it keeps them, in order, so the app's code never waits for the pipeline
 * to load.
 */
export class Recorder implements SpanOwner {
  resource: Resource = NO_RESOURCE;
  readonly instrumentationScope: InstrumentationScope;
  readonly open = new OpenCommands<OpenCommand>();
  readonly diagnostics: Diagnostics;
  readonly #consent: ConsentCheck;
  readonly #startedOwner: SpanOwner;
  #sink: RecordSink | undefined;
  /** Asked, once, to connect the pipeline now: a command or step has ended and it isn't there yet. */
  #connectNow: (() => void) | undefined;
  #waiting: { readonly span: RecordedSpan; readonly kind: RecordKind }[] = [];
  #dropped = 0;

  constructor(consent: ConsentCheck, diagnostics: Diagnostics, version: string) {
    this.#consent = consent;
    this.diagnostics = diagnostics;
    this.instrumentationScope = { name: 'optel', version };
    const resourceOf = (): Resource => this.resource;
    this.#startedOwner = {
      get resource() {
        return resourceOf();
      },
      instrumentationScope: this.instrumentationScope,
      ended: (span) => this.#hand(span, 'started'),
    };
  }

  /** Records that could not wait for the pipeline (more than 2048 before it loaded). */
  get dropped(): number {
    return this.#dropped;
  }

  /** Records kept until the pipeline connects. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** A new span, or undefined when consent is not given right now (nothing is recorded). */
  startSpan(name: string, attributes: Attributes, parent: RecordedSpan | undefined): RecordedSpan | undefined {
    if (!this.#isEnabled()) return undefined;
    return new RecordedSpan(this, name, attributes, parent);
  }

  /**
   * The `started` record of a command that has just begun: a zero-length
   * child with the command's name and attributes as they are now, handed on
   * to leave at once (so a command that never ends is still visible).
   */
  recordStarted(command: RecordedSpan): void {
    const record = new RecordedSpan(this.#startedOwner, command.name, undefined, command, command.startTime);
    record.copyAttributesOf(command).setAttribute(WIRE_KEYS.lifecycle, STARTED);
    record.end(command.startTime);
  }

  ended(span: RecordedSpan): void {
    this.#hand(span, 'ended');
  }

  /** A step that has just begun (its record comes when it ends). */
  stepOpened(step: RecordedSpan): void {
    this.#hand(step, 'opened');
  }

  /**
   * `connectNow` is called, once, when the first span ends before the
   * pipeline has connected (a command that ends in the app's first turn,
   * before the app keeps the main thread busy): the records then reach the
   * journal before anything else can run.
   */
  whenFirstEnded(connectNow: () => void): void {
    this.#connectNow = connectNow;
  }

  /** Connects the pipeline: what was recorded meanwhile goes first, in order. */
  connect(sink: RecordSink, resource: Resource): void {
    this.resource = resource;
    this.#sink = sink;
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const { span, kind } of waiting) this.#deliver(sink, span, kind);
  }

  /** Forgets what waits for the pipeline (consent withdrawn). */
  discard(): void {
    this.#waiting = [];
  }

  #hand(span: RecordedSpan, kind: RecordKind): void {
    const sink = this.#sink;
    if (sink) {
      this.#deliver(sink, span, kind);
      return;
    }
    if (this.#waiting.length >= MAX_WAITING) {
      this.#dropped++;
      return;
    }
    this.#waiting.push({ span, kind });
    const connectNow = this.#connectNow;
    if (kind === 'ended' && connectNow) {
      this.#connectNow = undefined;
      connectNow();
    }
  }

  #deliver(sink: RecordSink, span: RecordedSpan, kind: RecordKind): void {
    try {
      sink(span, kind);
    } catch (error) {
      this.diagnostics.report('could not hand a span to the pipeline', error);
    }
  }

  #isEnabled(): boolean {
    try {
      return this.#consent.isEnabled();
    } catch {
      // Not knowing is not a yes.
      return false;
    }
  }
}
