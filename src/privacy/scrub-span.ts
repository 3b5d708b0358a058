import type { Attributes, AttributeValue, HrTime, Link, SpanContext, SpanStatus } from '@opentelemetry/api';
import type { AttributeCatalogue, HashAlgorithm } from '../config/options.js';
import type { KeyTreatment } from './catalogue.js';
import { EXCEPTION_MESSAGE_KEY, EXCEPTION_STACKTRACE_KEY, EXCEPTION_TYPE_KEY, treatmentOf } from './catalogue.js';
import { DEFAULT_HASH_ALGORITHM, DIGEST_HEX_LENGTH, digestValue } from './hash.js';
import type { CompiledPaths, LocalPaths } from './local-paths.js';
import { compilePaths } from './local-paths.js';
import { scrubbedResource } from './resource.js';
import { isCardNumber } from './rule-checks.js';
import { SECRET_FLAG_ARGUMENT } from './rules.js';
import { scrubText } from './scrub-text.js';
import { scrubStack } from './stack.js';
import type { CompiledShape } from './value-shapes.js';
import { shapeOf, shapedValue } from './value-shapes.js';
import type { InstrumentationScope, ReadableSpan, Resource, TimedEvent } from '../sdk/sdk-types.js';

/**
 * What the scrubber reads: an ended span as the SDK's `ReadableSpan` has it,
 * or one of optel's own recorded spans (whose parent may be absent).
 */
export type SpanRecord = Omit<ReadableSpan, 'parentSpanContext'> & { readonly parentSpanContext?: SpanContext | undefined };

/** Everything scrubbing needs. Treat it as immutable: derived state is cached per policy object. */
export interface PrivacyPolicy {
  /** Every key that may leave, `clear` or `hash`; anything else is dropped. */
  readonly catalogue: AttributeCatalogue;
  /** The per-install key for `hmac-sha256`. */
  readonly hashKey: Uint8Array;
  /** Default `hmac-sha256`. */
  readonly hashAlgorithm?: HashAlgorithm | undefined;
  /** Home, user name, working directory and app root, for path scrubbing and stack frames. */
  readonly paths?: LocalPaths | undefined;
  /** Set on the resource that leaves, over what the span's own resource says (the app's service name and version). */
  readonly resourceOverrides?: Attributes | undefined;
  /**
   * For records scrubbed once already (the spool, sent by a later run): a
   * `hash` value that already has the shape of a digest under the algorithm
   * is kept, so it is not digested twice; any other value is digested.
   */
  readonly keepDigests?: boolean | undefined;
}

interface PolicyState {
  readonly paths: CompiledPaths | undefined;
  readonly resources: WeakMap<Resource, Resource>;
  readonly scopes: WeakMap<InstrumentationScope, InstrumentationScope>;
  /** The last source looked up in each map, and its scrubbed form: spans of one tracer share both. */
  lastResource: readonly [Resource, Resource] | undefined;
  lastScope: readonly [InstrumentationScope, InstrumentationScope] | undefined;
  /** Recent short clear values and digests: a command's values repeat in its started and completed records. */
  readonly texts: Map<string, string>;
  readonly digests: Map<string, string>;
  /** What the catalogue says of each key seen recently: the same few keys come with every span. */
  readonly keys: Map<string, KeyRule>;
}

/** How one attribute key is treated, and the shape its clear values must have, if declared. */
interface KeyRule {
  readonly treatment: KeyTreatment;
  readonly shape: CompiledShape | undefined;
}

/** Entries kept per memo, and the longest value memoized. */
const MEMO_ENTRIES = 512;
const MEMO_MAX_CHARS = 256;

const states = new WeakMap<PrivacyPolicy, PolicyState>();

/**
 * Builds the copy of an ended span that may leave the process; the live span
 * is never touched, since other processors may hold it. In the copy:
 * declared attributes only (clear values checked against their declared
 * shape, if any, and scrubbed; hash values digested) on
 * the span, its events and its links; name, event names and status message
 * scrubbed; exception events reduced to their type, a scrubbed message and
 * relative stack frames; the resource reduced to non-identifying keys; no
 * trace state. Throws if something can't be scrubbed (the caller drops the
 * span).
 */
export function scrubSpan(span: SpanRecord, policy: PrivacyPolicy): ReadableSpan {
  const state = stateOf(policy);
  const attributes: Attributes = {};
  const dropped = filterAttributes(span.attributes, policy, state, false, attributes);
  const status: SpanStatus =
    typeof span.status.message === 'string' && span.status.message !== ''
      ? { code: span.status.code, message: clearText(span.status.message, state) }
      : { code: span.status.code };
  return scrubbedCopy(span, policy, state, {
    spanContext: withoutTraceState(span.spanContext()),
    parentSpanContext: span.parentSpanContext ? withoutTraceState(span.parentSpanContext) : undefined,
    endTime: span.endTime,
    duration: span.duration,
    ended: span.ended,
    status,
    attributes,
    links: span.links.map((link) => scrubLink(link, policy, state)),
    events: span.events.map((event) => scrubEvent(event, policy, state)),
    droppedAttributesCount: span.droppedAttributesCount + dropped,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  });
}

/** The parts of a scrubbed copy taken from the span as they are, or reduced. */
interface CopyParts {
  readonly spanContext: SpanContext;
  readonly parentSpanContext: SpanContext | undefined;
  readonly endTime: HrTime;
  readonly duration: HrTime;
  readonly ended: boolean;
  readonly status: SpanStatus;
  readonly attributes: Attributes;
  readonly links: Link[];
  readonly events: TimedEvent[];
  readonly droppedAttributesCount: number;
  readonly droppedEventsCount: number;
  readonly droppedLinksCount: number;
}

/** One object layout for every copy that leaves (what the exporters read stays monomorphic). */
function scrubbedCopy(source: SpanRecord, policy: PrivacyPolicy, state: PolicyState, parts: CopyParts): ReadableSpan {
  const spanContext = parts.spanContext;
  const copy: ReadableSpan = {
    name: clearText(String(source.name), state),
    kind: source.kind,
    spanContext: () => spanContext,
    startTime: source.startTime,
    endTime: parts.endTime,
    status: parts.status,
    attributes: parts.attributes,
    links: parts.links,
    events: parts.events,
    duration: parts.duration,
    ended: parts.ended,
    resource: resourceOf(source.resource, policy, state),
    instrumentationScope: scopeOf(source.instrumentationScope, state),
    droppedAttributesCount: parts.droppedAttributesCount,
    droppedEventsCount: parts.droppedEventsCount,
    droppedLinksCount: parts.droppedLinksCount,
  };
  // Added after, not spread in: spreading builds a temporary object per span.
  if (parts.parentSpanContext) (copy as { parentSpanContext?: SpanContext }).parentSpanContext = parts.parentSpanContext;
  return copy;
}

/** The last policy seen and its state: nearly every span is scrubbed under one policy. */
let lastPolicy: PrivacyPolicy | undefined;
let lastState: PolicyState | undefined;

function stateOf(policy: PrivacyPolicy): PolicyState {
  if (policy === lastPolicy && lastState !== undefined) return lastState;
  let state = states.get(policy);
  if (!state) {
    state = {
      paths: policy.paths ? compilePaths(policy.paths) : undefined,
      resources: new WeakMap(),
      scopes: new WeakMap(),
      lastResource: undefined,
      lastScope: undefined,
      texts: new Map(),
      digests: new Map(),
      keys: new Map(),
    };
    states.set(policy, state);
  }
  lastPolicy = policy;
  lastState = state;
  return state;
}

/** Copies what may leave of `source` into `attributes`; returns how many keys were dropped. */
function filterAttributes(source: Attributes, policy: PrivacyPolicy, state: PolicyState, exception: boolean, attributes: Attributes): number {
  let dropped = 0;
  // (for...in with hasOwn: the own keys, as Object.keys gives them, without building their list.)
  for (const key in source) {
    if (!Object.hasOwn(source, key)) continue;
    const value = source[key];
    if (value === undefined || value === null) continue;
    if (exception && isExceptionKey(key)) {
      const kept = scrubExceptionValue(key, value, state);
      if (kept !== undefined) attributes[key] = kept;
      continue;
    }
    const rule = keyRuleOf(key, policy, state);
    switch (rule.treatment) {
      case 'optel':
        attributes[key] = scrubClear(value, state);
        break;
      case 'clear': {
        // A declared shape comes first: what doesn't fit it leaves as `[other]`.
        const shape = rule.shape;
        attributes[key] = shape === undefined ? scrubClear(value, state) : shapedValue(shape, value, (kept) => scrubClear(kept, state));
        break;
      }
      case 'hash':
        attributes[key] = hashValue(value, policy, state);
        break;
      case 'drop':
        dropped++;
        break;
    }
  }
  return dropped;
}

/** The catalogue's word on `key` (its treatment and declared shape), remembered while recent. */
function keyRuleOf(key: string, policy: PrivacyPolicy, state: PolicyState): KeyRule {
  const known = recall(state.keys, key);
  if (known !== undefined) return known;
  const treatment = treatmentOf(policy.catalogue, key);
  return remember(state.keys, key, { treatment, shape: treatment === 'clear' ? shapeOf(policy.catalogue, key) : undefined });
}

function scrubEvent(event: TimedEvent, policy: PrivacyPolicy, state: PolicyState): TimedEvent {
  const attributes: Attributes = {};
  const dropped = (event.droppedAttributesCount ?? 0) + filterAttributes(event.attributes ?? {}, policy, state, event.name === 'exception', attributes);
  return {
    name: clearText(String(event.name), state),
    time: event.time,
    attributes,
    ...(dropped > 0 || event.droppedAttributesCount !== undefined ? { droppedAttributesCount: dropped } : {}),
  };
}

function scrubLink(link: Link, policy: PrivacyPolicy, state: PolicyState): Link {
  const attributes: Attributes = {};
  const dropped = (link.droppedAttributesCount ?? 0) + filterAttributes(link.attributes ?? {}, policy, state, false, attributes);
  return {
    context: withoutTraceState(link.context),
    attributes,
    ...(dropped > 0 || link.droppedAttributesCount !== undefined ? { droppedAttributesCount: dropped } : {}),
  };
}

function isExceptionKey(key: string): boolean {
  return key === EXCEPTION_TYPE_KEY || key === EXCEPTION_MESSAGE_KEY || key === EXCEPTION_STACKTRACE_KEY;
}

/** The type is kept (scrubbed like any clear text), the message scrubbed, the stack reduced to relative frames. */
function scrubExceptionValue(key: string, value: AttributeValue, state: PolicyState): AttributeValue | undefined {
  const text = Array.isArray(value) ? value.join('\n') : String(value);
  if (key === EXCEPTION_STACKTRACE_KEY) return scrubStack(text, state.paths);
  return clearText(text, state);
}

function scrubClear(value: AttributeValue, state: PolicyState): AttributeValue {
  if (typeof value === 'string') return clearText(value, state);
  if (typeof value === 'number') return isCardLikeNumber(value) ? '[redacted:card]' : value;
  if (!Array.isArray(value)) return value;
  let afterSecretFlag = false;
  return value.map((element: unknown) => {
    const secret = afterSecretFlag;
    afterSecretFlag = typeof element === 'string' && SECRET_FLAG_ARGUMENT.test(element);
    if (typeof element === 'string') return secret && !element.startsWith('-') ? '[redacted:secret]' : clearText(element, state);
    if (typeof element === 'number' && isCardLikeNumber(element)) return null;
    return element;
  }) as AttributeValue;
}

/** A card number given as a number rather than text. */
function isCardLikeNumber(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 1e12 && isCardNumber(String(value));
}

function hashValue(value: AttributeValue, policy: PrivacyPolicy, state: PolicyState): AttributeValue {
  if (policy.keepDigests === true && isDigestShaped(value, policy.hashAlgorithm ?? DEFAULT_HASH_ALGORITHM)) return value;
  if (Array.isArray(value)) {
    return value.map((element: unknown) => (element === null || element === undefined ? element : digestOf(element as string | number | boolean, policy, state))) as string[];
  }
  return digestOf(value as string | number | boolean, policy, state);
}

function isDigestShaped(value: AttributeValue, algorithm: HashAlgorithm): boolean {
  const length = algorithm === 'hmac-sha256' ? DIGEST_HEX_LENGTH : algorithm === 'sha256' ? 64 : 32;
  const one = (element: unknown): boolean => typeof element === 'string' && element.length === length && /^[0-9a-f]+$/.test(element);
  return Array.isArray(value) ? value.every((element) => element === null || one(element)) : one(value);
}

/** The digest of one value, remembered while short and recent; it depends on the value as text only (see hashInput). */
function digestOf(value: string | number | boolean, policy: PrivacyPolicy, state: PolicyState): string {
  const text = String(value);
  const known = recall(state.digests, text);
  if (known !== undefined) return known;
  return remember(state.digests, text, digestValue(value, policy.hashKey, policy.hashAlgorithm ?? DEFAULT_HASH_ALGORITHM));
}

function clearText(text: string, state: PolicyState): string {
  const known = recall(state.texts, text);
  if (known !== undefined) return known;
  return remember(state.texts, text, scrubText(text, state.paths));
}

/** What `memo` holds for `key`, if anything. */
function recall<T>(memo: Map<string, T>, key: string): T | undefined {
  return key.length > MEMO_MAX_CHARS ? undefined : memo.get(key);
}

/** Keeps `value` for `key` while it is short and recent (oldest forgotten first); returns `value`. */
function remember<T>(memo: Map<string, T>, key: string, value: T): T {
  if (key.length > MEMO_MAX_CHARS) return value;
  if (memo.size >= MEMO_ENTRIES) {
    const oldest = memo.keys().next();
    if (oldest.done !== true) memo.delete(oldest.value);
  }
  memo.set(key, value);
  return value;
}

/**
 * One scrubbed resource per source resource object: the OTLP serializer
 * groups spans by resource identity, so a new object per span would repeat
 * the resource in every batch.
 */
function resourceOf(source: Resource, policy: PrivacyPolicy, state: PolicyState): Resource {
  if (state.lastResource?.[0] === source) return state.lastResource[1];
  let scrubbed = state.resources.get(source);
  if (!scrubbed) {
    scrubbed = scrubbedResource(source, (value) => scrubClear(value, state), policy.resourceOverrides ?? {});
    state.resources.set(source, scrubbed);
  }
  state.lastResource = [source, scrubbed];
  return scrubbed;
}

function scopeOf(scope: InstrumentationScope, state: PolicyState): InstrumentationScope {
  if (state.lastScope?.[0] === scope) return state.lastScope[1];
  let scrubbed = state.scopes.get(scope);
  if (!scrubbed) {
    scrubbed = {
      name: scrubText(String(scope.name), state.paths),
      ...(scope.version === undefined ? {} : { version: scrubText(String(scope.version), state.paths) }),
      ...(scope.schemaUrl === undefined ? {} : { schemaUrl: scrubText(String(scope.schemaUrl), state.paths) }),
    };
    state.scopes.set(scope, scrubbed);
  }
  state.lastScope = [scope, scrubbed];
  return scrubbed;
}

/** Trace state is free-form vendor data carried in from a parent; it never leaves. */
function withoutTraceState(context: SpanContext): SpanContext {
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    traceFlags: context.traceFlags,
    ...(context.isRemote === undefined ? {} : { isRemote: context.isRemote }),
  };
}
