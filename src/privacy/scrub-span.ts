import type { Attributes, AttributeValue, Link, SpanContext, SpanStatus } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import type { AttributeCatalogue, HashAlgorithm } from '../options.js';
import { EXCEPTION_MESSAGE_KEY, EXCEPTION_STACKTRACE_KEY, EXCEPTION_TYPE_KEY, treatmentOf } from './catalogue.js';
import { DEFAULT_HASH_ALGORITHM, digestValue } from './hash.js';
import type { CompiledPaths, LocalPaths } from './local-paths.js';
import { compilePaths } from './local-paths.js';
import { scrubbedResource } from './resource.js';
import { isCardNumber } from './rule-checks.js';
import { SECRET_FLAG_ARGUMENT } from './rules.js';
import { scrubText } from './scrub-text.js';
import { scrubStack } from './stack.js';

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
}

interface PolicyState {
  readonly paths: CompiledPaths | undefined;
  readonly resources: WeakMap<Resource, Resource>;
  readonly scopes: WeakMap<InstrumentationScope, InstrumentationScope>;
  /** Recent short clear values and digests: a command's values repeat in its started and completed records. */
  readonly texts: Map<string, string>;
  readonly digests: Map<string, string>;
}

/** Entries kept per memo, and the longest value memoized. */
const MEMO_ENTRIES = 512;
const MEMO_MAX_CHARS = 256;

const states = new WeakMap<PrivacyPolicy, PolicyState>();

/**
 * Builds the copy of an ended span that may leave the process; the live span
 * is never touched, since other processors may hold it. In the copy:
 * declared attributes only (clear values scrubbed, hash values digested) on
 * the span, its events and its links; name, event names and status message
 * scrubbed; exception events reduced to their type, a scrubbed message and
 * relative stack frames; the resource reduced to non-identifying keys; no
 * trace state. Throws if something can't be scrubbed (the caller drops the
 * span).
 */
export function scrubSpan(span: ReadableSpan, policy: PrivacyPolicy): ReadableSpan {
  const state = stateOf(policy);
  const own = filterAttributes(span.attributes, policy, state, false);
  const events = span.events.map((event) => scrubEvent(event, policy, state));
  const links = span.links.map((link) => scrubLink(link, policy, state));
  const spanContext = withoutTraceState(span.spanContext());
  const status: SpanStatus =
    typeof span.status.message === 'string' && span.status.message !== ''
      ? { code: span.status.code, message: clearText(span.status.message, state) }
      : { code: span.status.code };
  const copy: ReadableSpan = {
    name: clearText(String(span.name), state),
    kind: span.kind,
    spanContext: () => spanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    status,
    attributes: own.attributes,
    links,
    events,
    duration: span.duration,
    ended: span.ended,
    resource: resourceOf(span.resource, policy, state),
    instrumentationScope: scopeOf(span.instrumentationScope, state),
    droppedAttributesCount: span.droppedAttributesCount + own.dropped,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
    ...(span.parentSpanContext ? { parentSpanContext: withoutTraceState(span.parentSpanContext) } : {}),
  };
  return copy;
}

function stateOf(policy: PrivacyPolicy): PolicyState {
  let state = states.get(policy);
  if (!state) {
    state = { paths: policy.paths ? compilePaths(policy.paths) : undefined, resources: new WeakMap(), scopes: new WeakMap(), texts: new Map(), digests: new Map() };
    states.set(policy, state);
  }
  return state;
}

interface FilteredAttributes {
  readonly attributes: Attributes;
  readonly dropped: number;
}

function filterAttributes(source: Attributes, policy: PrivacyPolicy, state: PolicyState, exception: boolean): FilteredAttributes {
  const attributes: Attributes = {};
  let dropped = 0;
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (value === undefined || value === null) continue;
    if (exception && isExceptionKey(key)) {
      const kept = scrubExceptionValue(key, value, state);
      if (kept !== undefined) attributes[key] = kept;
      continue;
    }
    switch (treatmentOf(policy.catalogue, key)) {
      case 'optel':
      case 'clear':
        attributes[key] = scrubClear(value, state);
        break;
      case 'hash':
        attributes[key] = hashValue(value, policy, state);
        break;
      case 'drop':
        dropped++;
        break;
    }
  }
  return { attributes, dropped };
}

function scrubEvent(event: TimedEvent, policy: PrivacyPolicy, state: PolicyState): TimedEvent {
  const filtered = filterAttributes(event.attributes ?? {}, policy, state, event.name === 'exception');
  const dropped = (event.droppedAttributesCount ?? 0) + filtered.dropped;
  return {
    name: clearText(String(event.name), state),
    time: event.time,
    attributes: filtered.attributes,
    ...(dropped > 0 || event.droppedAttributesCount !== undefined ? { droppedAttributesCount: dropped } : {}),
  };
}

function scrubLink(link: Link, policy: PrivacyPolicy, state: PolicyState): Link {
  const filtered = filterAttributes(link.attributes ?? {}, policy, state, false);
  const dropped = (link.droppedAttributesCount ?? 0) + filtered.dropped;
  return {
    context: withoutTraceState(link.context),
    attributes: filtered.attributes,
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
  const algorithm = policy.hashAlgorithm ?? DEFAULT_HASH_ALGORITHM;
  const digest = (element: string | number | boolean): string =>
    memo(state.digests, `${typeof element}:${String(element)}`, () => digestValue(element, policy.hashKey, algorithm));
  if (Array.isArray(value)) {
    return value.map((element: unknown) => (element === null || element === undefined ? element : digest(element as string | number | boolean))) as string[];
  }
  return digest(value as string | number | boolean);
}

function clearText(text: string, state: PolicyState): string {
  return memo(state.texts, text, () => scrubText(text, state.paths));
}

/** `compute()` for `key`, remembered while it is short and recent (oldest forgotten first). */
function memo(cache: Map<string, string>, key: string, compute: () => string): string {
  if (key.length > MEMO_MAX_CHARS) return compute();
  const known = cache.get(key);
  if (known !== undefined) return known;
  const value = compute();
  if (cache.size >= MEMO_ENTRIES) {
    const oldest = cache.keys().next();
    if (oldest.done !== true) cache.delete(oldest.value);
  }
  cache.set(key, value);
  return value;
}

/**
 * One scrubbed resource per source resource object: the OTLP serializer
 * groups spans by resource identity, so a new object per span would repeat
 * the resource in every batch.
 */
function resourceOf(source: Resource, policy: PrivacyPolicy, state: PolicyState): Resource {
  let scrubbed = state.resources.get(source);
  if (!scrubbed) {
    scrubbed = scrubbedResource(source, (value) => scrubClear(value, state), policy.resourceOverrides ?? {});
    state.resources.set(source, scrubbed);
  }
  return scrubbed;
}

function scopeOf(scope: InstrumentationScope, state: PolicyState): InstrumentationScope {
  let scrubbed = state.scopes.get(scope);
  if (!scrubbed) {
    scrubbed = {
      name: scrubText(String(scope.name), state.paths),
      ...(scope.version === undefined ? {} : { version: scrubText(String(scope.version), state.paths) }),
      ...(scope.schemaUrl === undefined ? {} : { schemaUrl: scrubText(String(scope.schemaUrl), state.paths) }),
    };
    state.scopes.set(scope, scrubbed);
  }
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
