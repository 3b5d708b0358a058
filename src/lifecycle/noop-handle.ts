import type { Span, SpanContext } from '@opentelemetry/api';
import type { CommandHandle, SpanHandle, StepArgs } from './handle.js';
import { isPromiseLike, KeptOpen } from './kept-open.js';
import { splitStepArgs } from './handle.js';

/**
 * A span that records nothing, written here rather than taken from
 * `@opentelemetry/api` so that with telemetry off no OpenTelemetry module is
 * loaded at all.
 */
const INVALID_CONTEXT: SpanContext = {
  traceId: '00000000000000000000000000000000',
  spanId: '0000000000000000',
  traceFlags: 0,
};

export const NOOP_SPAN: Span = {
  spanContext: () => INVALID_CONTEXT,
  setAttribute() {
    return NOOP_SPAN;
  },
  setAttributes() {
    return NOOP_SPAN;
  },
  addEvent() {
    return NOOP_SPAN;
  },
  addLink() {
    return NOOP_SPAN;
  },
  addLinks() {
    return NOOP_SPAN;
  },
  setStatus() {
    return NOOP_SPAN;
  },
  updateName() {
    return NOOP_SPAN;
  },
  end() {},
  isRecording: () => false,
  recordException() {},
};

class NoopHandle implements SpanHandle {
  readonly span: Span = NOOP_SPAN;
  setAttribute(): this {
    return this;
  }
  setAttributes(): this {
    return this;
  }
  addEvent(): this {
    return this;
  }
  recordException(): this {
    return this;
  }
  async step<T>(_name: string, ...args: StepArgs<T>): Promise<T> {
    return splitStepArgs(args).fn(this);
  }
}

export const NOOP_HANDLE: SpanHandle = new NoopHandle();

/**
 * A command's handle while telemetry is off: records nothing, but waits for
 * what it is kept open for exactly as with telemetry on, so the app behaves
 * the same either way. One per command, as it holds that command's waits.
 */
export class NoopCommandHandle extends NoopHandle implements CommandHandle {
  readonly keptOpen = new KeptOpen();
  keepOpen(until: PromiseLike<unknown>): this {
    if (isPromiseLike(until)) this.keptOpen.add(until);
    return this;
  }
}
