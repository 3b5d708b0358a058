import type { Attributes, AttributeValue, Exception, HrTime, Link, Span, SpanContext, SpanKind, SpanStatus, TimeInput } from '@opentelemetry/api';
import type { SpanRecord } from '../privacy/scrub-span.js';
import { hrDuration, hrNow, toHrTime } from './clock.js';
import { ATTRIBUTE_COUNT_LIMIT } from './reserved-keys.js';
import { randomId } from './span-ids.js';
import type { InstrumentationScope, Resource, TimedEvent } from '../sdk/sdk-types.js';

/** What a recorded span belongs to: where it goes when it ends, and what it is reported under. */
export interface SpanOwner {
  /** The resource, set by the pipeline before any span of this owner is read for export. */
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope;
  /** Called once, when the span ends. */
  ended(span: RecordedSpan): void;
}

/** Limits of what one span holds, as set for optel's own spans (the user's OTEL_* limits are theirs). */
const MAX_ATTRIBUTES = ATTRIBUTE_COUNT_LIMIT;
const MAX_VALUE_LENGTH = 4096;
const MAX_EVENTS = 128;
const MAX_LINKS = 128;

const INTERNAL: SpanKind = 0;
const SAMPLED = 1;

/**
 * One of optel's own spans (a command, a step, a started record), recorded
 * in memory by optel itself rather than by the OpenTelemetry SDK, so that
 * recording needs no OpenTelemetry module at run time (the `Span` interface
 * is a type). It reads like the SDK's `ReadableSpan`, which is what the
 * privacy scrubber takes. Ids are drawn when first asked for (by the app,
 * or when the span is encoded), off the app's critical path. Never throws.
 */
export class RecordedSpan implements Span, SpanRecord {
  name: string;
  readonly kind: SpanKind = INTERNAL;
  readonly startTime: HrTime;
  endTime: HrTime = [0, 0];
  status: SpanStatus = { code: 0 };
  readonly attributes: Attributes = {};
  readonly links: Link[] = [];
  readonly events: TimedEvent[] = [];
  droppedAttributesCount = 0;
  droppedEventsCount = 0;
  droppedLinksCount = 0;
  readonly #owner: SpanOwner;
  readonly #parent: RecordedSpan | undefined;
  #context: SpanContext | undefined;
  #ended = false;
  #attributeCount = 0;

  constructor(owner: SpanOwner, name: string, attributes: Attributes | undefined, parent: RecordedSpan | undefined, startTime?: HrTime) {
    this.#owner = owner;
    this.#parent = parent;
    this.name = String(name);
    this.startTime = startTime ?? hrNow();
    if (attributes) this.setAttributes(attributes);
  }

  get ended(): boolean {
    return this.#ended;
  }

  get duration(): HrTime {
    return this.#ended ? hrDuration(this.startTime, this.endTime) : [0, 0];
  }

  get resource(): Resource {
    return this.#owner.resource;
  }

  get instrumentationScope(): InstrumentationScope {
    return this.#owner.instrumentationScope;
  }

  get parentSpanContext(): SpanContext | undefined {
    return this.#parent?.spanContext();
  }

  /** The span this one is a child of, if any. */
  get parentSpan(): RecordedSpan | undefined {
    return this.#parent;
  }

  spanContext(): SpanContext {
    this.#context ??= {
      traceId: this.#parent ? this.#parent.spanContext().traceId : randomId(16),
      spanId: randomId(8),
      traceFlags: SAMPLED,
    };
    return this.#context;
  }

  isRecording(): boolean {
    return !this.#ended;
  }

  setAttribute(key: string, value: AttributeValue | undefined): this {
    if (this.#ended || typeof key !== 'string' || key === '' || !isAttributeValue(value)) return this;
    if (!Object.hasOwn(this.attributes, key)) {
      if (this.#attributeCount >= MAX_ATTRIBUTES) {
        this.droppedAttributesCount++;
        return this;
      }
      this.#attributeCount++;
    }
    this.attributes[key] = truncated(value);
    return this;
  }

  /**
   * Makes room for optel's own `keys` before they are set, on a span an app
   * filled to the limit through `cmd.span` directly: the app's most recently
   * added keys give way, counted as dropped.
   */
  makeRoomFor(keys: readonly string[]): void {
    // The common case, without looking at a key: room for all of them, even if each is new.
    if (this.#attributeCount + keys.length <= MAX_ATTRIBUTES) return;
    let excess = this.#attributeCount + keys.filter((key) => !Object.hasOwn(this.attributes, key)).length - MAX_ATTRIBUTES;
    const names = Object.keys(this.attributes);
    for (let i = names.length - 1; excess > 0 && i >= 0; i--) {
      const name = names[i];
      if (name === undefined || keys.includes(name)) continue;
      delete this.attributes[name];
      this.#attributeCount--;
      this.droppedAttributesCount++;
      excess--;
    }
  }

  /**
   * Takes `source`'s attributes as they are now (a command's, for its started
   * record), on a span that has none yet: they were checked and cut when set
   * on `source`, so they are copied as they are.
   */
  copyAttributesOf(source: RecordedSpan): this {
    if (this.#ended || this.#attributeCount > 0) return this.setAttributes(source.attributes);
    const attributes = source.attributes;
    for (const key in attributes) {
      if (!Object.hasOwn(attributes, key)) continue;
      const value = attributes[key];
      if (value === undefined) continue;
      if (this.#attributeCount >= MAX_ATTRIBUTES) {
        this.droppedAttributesCount++;
        continue;
      }
      this.attributes[key] = value;
      this.#attributeCount++;
    }
    return this;
  }

  setAttributes(attributes: Attributes): this {
    if (typeof attributes !== 'object' || attributes === null) return this;
    for (const key of Object.keys(attributes)) this.setAttribute(key, attributes[key]);
    return this;
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    if (this.#ended) return this;
    if (this.events.length >= MAX_EVENTS) {
      this.droppedEventsCount++;
      return this;
    }
    const attributesGiven = typeof attributesOrTime === 'object' && attributesOrTime !== null && !Array.isArray(attributesOrTime) && !(attributesOrTime instanceof Date);
    const at = attributesGiven ? time : (attributesOrTime as TimeInput | undefined);
    this.events.push({ name: String(name), time: toHrTime(at), attributes: attributesGiven ? limitedAttributes(attributesOrTime) : {}, droppedAttributesCount: 0 });
    return this;
  }

  addLink(link: Link): this {
    if (this.#ended || typeof link !== 'object' || link === null) return this;
    if (this.links.length >= MAX_LINKS) {
      this.droppedLinksCount++;
      return this;
    }
    this.links.push({ context: link.context, attributes: limitedAttributes(link.attributes ?? {}), droppedAttributesCount: 0 });
    return this;
  }

  addLinks(links: Link[]): this {
    if (Array.isArray(links)) for (const link of links) this.addLink(link);
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (this.#ended || typeof status !== 'object' || status === null) return this;
    // As the SDK: OK is final, and UNSET never overrides what was set.
    if (this.status.code === 1 || status.code === 0) return this;
    this.status = typeof status.message === 'string' ? { code: status.code, message: status.message } : { code: status.code };
    return this;
  }

  updateName(name: string): this {
    if (!this.#ended) this.name = String(name);
    return this;
  }

  /** The `exception` event, with the keys the SDK writes (the scrubber reduces them before anything leaves). */
  recordException(exception: Exception, time?: TimeInput): void {
    const attributes: Attributes = {};
    if (typeof exception === 'string') {
      attributes['exception.message'] = exception;
    } else if (typeof exception === 'object' && exception !== null) {
      if (exception.code !== undefined) attributes['exception.type'] = String(exception.code);
      else if (typeof exception.name === 'string') attributes['exception.type'] = exception.name;
      if (typeof exception.message === 'string') attributes['exception.message'] = exception.message;
      if (typeof exception.stack === 'string') attributes['exception.stacktrace'] = exception.stack;
    }
    if (attributes['exception.type'] !== undefined || attributes['exception.message'] !== undefined) this.addEvent('exception', attributes, time);
  }

  end(endTime?: TimeInput): void {
    if (this.#ended) return;
    this.endTime = endTime === undefined ? hrNow() : toHrTime(endTime);
    if (this.endTime[0] < this.startTime[0] || (this.endTime[0] === this.startTime[0] && this.endTime[1] < this.startTime[1])) this.endTime = this.startTime;
    this.#ended = true;
    this.#owner.ended(this);
  }
}

function isAttributeValue(value: unknown): value is AttributeValue {
  if (value === null || value === undefined) return false;
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') return true;
  if (!Array.isArray(value)) return false;
  // Arrays of one primitive type (nulls allowed), as the SDK accepts them.
  let kind: string | undefined;
  for (const element of value) {
    if (element === null || element === undefined) continue;
    const elementType = typeof element;
    if (elementType !== 'string' && elementType !== 'number' && elementType !== 'boolean') return false;
    if (kind !== undefined && kind !== elementType) return false;
    kind = elementType;
  }
  return true;
}

function truncated(value: AttributeValue): AttributeValue {
  if (typeof value === 'string') return value.length > MAX_VALUE_LENGTH ? value.slice(0, MAX_VALUE_LENGTH) : value;
  if (Array.isArray(value)) return value.map((element: unknown) => (typeof element === 'string' && element.length > MAX_VALUE_LENGTH ? element.slice(0, MAX_VALUE_LENGTH) : element)) as AttributeValue;
  return value;
}

function limitedAttributes(attributes: Attributes): Attributes {
  const kept: Attributes = {};
  let count = 0;
  for (const key of Object.keys(attributes)) {
    const value = attributes[key];
    if (count >= MAX_ATTRIBUTES || !isAttributeValue(value)) continue;
    kept[key] = truncated(value);
    count++;
  }
  return kept;
}
