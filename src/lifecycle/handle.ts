import type { Attributes, AttributeValue, Exception, Span } from '@opentelemetry/api';

/**
 * What a command's or step's function receives. Every method is safe to call
 * whether telemetry is on or off, and none of them throws.
 */
export interface SpanHandle {
  /** The underlying OpenTelemetry span (a non-recording one when telemetry is off). */
  readonly span: Span;
  setAttribute(key: string, value: AttributeValue): this;
  setAttributes(attributes: Attributes): this;
  addEvent(name: string, attributes?: Attributes): this;
  recordException(error: Exception): this;
  /**
   * Runs `fn` as a child span of this one (a step): one record when it ends,
   * with its duration and `optel.outcome` (`success`, `failure` with
   * `error.type`, or `aborted` when a signal ends the process mid-step).
   * Returns its result, rethrows its error unchanged.
   */
  step<T>(name: string, fn: (step: SpanHandle) => T | Promise<T>): Promise<T>;
  step<T>(name: string, attributes: Attributes, fn: (step: SpanHandle) => T | Promise<T>): Promise<T>;
}

/** The handle a command's function receives. */
export interface CommandHandle extends SpanHandle {
  /**
   * Keeps the command open after its function returns, until `until`
   * settles: a server until it closes, a watcher until it stops. A signal
   * that ends the process ends it as `aborted` first; a rejection ends it as
   * a failure. `telemetry.command()` resolves when the command ends.
   */
  keepOpen(until: PromiseLike<unknown>): this;
}

export type StepArgs<T> =
  | [fn: (step: SpanHandle) => T | Promise<T>]
  | [attributes: Attributes, fn: (step: SpanHandle) => T | Promise<T>];

export function splitStepArgs<T>(args: StepArgs<T>): { attributes: Attributes; fn: (step: SpanHandle) => T | Promise<T> } {
  return args.length === 1 ? { attributes: {}, fn: args[0] } : { attributes: args[0], fn: args[1] };
}
