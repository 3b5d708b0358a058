import { HttpError } from './http-error.js';

/**
 * How many decoded objects one request may hold. The byte limit alone does
 * not bound memory: a 16 KB gzip body can expand to 16 MiB of two-byte empty
 * events, millions of objects. Far above any real batch (an SDK sends at
 * most a few thousand spans at once).
 */
export const OBJECT_LIMITS = {
  spans: 65_536,
  events: 131_072,
  links: 65_536,
  /** Key-values and values, at any depth (resource, scope, span, event, link, nested arrays and maps). */
  attributes: 1_048_576,
} as const;

export type ObjectKind = keyof typeof OBJECT_LIMITS;

/**
 * Counts objects as they are decoded and stops the request (413, with the
 * reason) at the first one over its limit, before more memory is spent.
 */
export class ObjectBudget {
  readonly #counts: Record<ObjectKind, number> = { spans: 0, events: 0, links: 0, attributes: 0 };

  take(kind: ObjectKind, count = 1): void {
    this.#counts[kind] += count;
    if (this.#counts[kind] > OBJECT_LIMITS[kind]) {
      throw new HttpError(413, `request holds more than ${OBJECT_LIMITS[kind]} ${kind}, the limit per request; send smaller batches`);
    }
  }
}

/**
 * A bound on the objects a JSON body can make, taken before parsing it:
 * every object starts with `{` and every array with `[`, so their count
 * (inside strings too, which only over-counts) bounds what JSON.parse
 * builds. Numbers and strings ride on an object or array, at most one per
 * two bytes, which the byte limit already bounds.
 */
export function checkJsonObjectCount(body: Uint8Array): void {
  const limit = OBJECT_LIMITS.spans + OBJECT_LIMITS.events + OBJECT_LIMITS.links + 2 * OBJECT_LIMITS.attributes;
  let count = 0;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (byte === 0x7b || byte === 0x5b) count++;
  }
  if (count > limit) throw new HttpError(413, `request holds more than ${limit} JSON objects and arrays, the limit per request; send smaller batches`);
}

/** Counts what a parsed OTLP/JSON request holds, against the same limits as protobuf. */
export function checkJsonRequest(request: unknown): void {
  const budget = new ObjectBudget();
  for (const resourceSpans of listAt(request, 'resourceSpans')) {
    budget.take('attributes', listAt(at(resourceSpans, 'resource'), 'attributes').length);
    for (const scopeSpans of listAt(resourceSpans, 'scopeSpans')) {
      budget.take('attributes', listAt(at(scopeSpans, 'scope'), 'attributes').length);
      const spans = listAt(scopeSpans, 'spans');
      budget.take('spans', spans.length);
      for (const span of spans) {
        budget.take('attributes', listAt(span, 'attributes').length);
        const events = listAt(span, 'events');
        budget.take('events', events.length);
        for (const event of events) budget.take('attributes', listAt(event, 'attributes').length);
        const links = listAt(span, 'links');
        budget.take('links', links.length);
        for (const link of links) budget.take('attributes', listAt(link, 'attributes').length);
      }
    }
  }
}

function at(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function listAt(value: unknown, key: string): readonly unknown[] {
  const found = at(value, key);
  return Array.isArray(found) ? found : [];
}
