import type { Attributes, Span } from '@opentelemetry/api';

/** Keys optel sets on every completed record; they must survive whatever the app sets. */
export const RESERVED_KEYS: readonly string[] = ['optel.lifecycle', 'optel.outcome', 'error.type', 'process.exit.code'];

/** Attributes an app may set on a command. */
export const APP_ATTRIBUTE_LIMIT = 128;

/**
 * The attribute limit of optel's own spans: the app's 128 plus room for
 * optel's own keys, so an app that sets 128 attributes can't crowd out
 * `optel.outcome` or `error.type` (a span at its limit drops new keys).
 */
export const ATTRIBUTE_COUNT_LIMIT = APP_ATTRIBUTE_LIMIT + RESERVED_KEYS.length;

/** The first attributes of `attributes` that fit next to the `held` ones, within the app's limit. */
export function withinAppLimit(attributes: Attributes, held: Attributes | undefined): Attributes {
  const room = APP_ATTRIBUTE_LIMIT - (held === undefined ? 0 : countUpTo(held, APP_ATTRIBUTE_LIMIT));
  if (countUpTo(attributes, room + 1) <= room) return attributes;
  const keys = Object.keys(attributes);
  const kept: Attributes = {};
  let count = 0;
  for (const key of keys) {
    const isNew = held === undefined || !Object.hasOwn(held, key);
    if (isNew && count >= room) continue;
    if (isNew) count++;
    kept[key] = attributes[key];
  }
  return kept;
}

/**
 * Makes room on a live span for optel's own keys before they are set, for
 * a span filled past the app's limit through `handle.span` directly: the
 * app's most recently added keys give way and are counted as dropped.
 * Works on the SDK's span (a plain `attributes` object and its count); any
 * other span is left as it is.
 */
export function makeRoomFor(span: Span, keys: readonly string[]): void {
  const live = span as unknown as { attributes?: unknown; _attributesCount?: unknown; _droppedAttributesCount?: unknown };
  const attributes = live.attributes;
  if (typeof attributes !== 'object' || attributes === null || Object.isFrozen(attributes)) return;
  // The common case, checked without listing keys: there is room already.
  const count = live._attributesCount;
  if (typeof count === 'number' && count + keys.length <= ATTRIBUTE_COUNT_LIMIT) return;
  const held = attributes as Record<string, unknown>;
  const names = Object.keys(held);
  let excess = names.length + keys.filter((key) => !Object.hasOwn(held, key)).length - ATTRIBUTE_COUNT_LIMIT;
  for (let i = names.length - 1; excess > 0 && i >= 0; i--) {
    const name = names[i];
    if (name === undefined || keys.includes(name)) continue;
    delete held[name];
    excess--;
    if (typeof live._attributesCount === 'number') live._attributesCount--;
    if (typeof live._droppedAttributesCount === 'number') live._droppedAttributesCount++;
  }
}

/** How many own keys `object` has, counting no further than `max` + 1 (without building a list of them). */
function countUpTo(object: object, max: number): number {
  let count = 0;
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue;
    if (++count > max) break;
  }
  return count;
}
