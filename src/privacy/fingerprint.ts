import { hmacHex } from './hash.js';

/** Deeper structures are cut here (a configuration is rarely deeper than a few levels). */
const MAX_DEPTH = 64;

/**
 * A keyed digest of a whole value (typically a configuration object), so an
 * app can report that it changed without sending it. The value is
 * canonicalized first: object keys sorted, arrays kept in order, strings
 * NFC-normalized, so two equal configurations give the same digest whatever
 * order their keys were written in. Throws on a cycle.
 */
export function fingerprintOf(key: Uint8Array, value: unknown): string {
  return hmacHex(key, canonicalJson(value));
}

/**
 * JSON with sorted keys. Values JSON can't express get a stable text of
 * their own: bigint and non-finite numbers as strings, a Map as an object
 * of its entries, a Set as a sorted array, a Date as its ISO string (via
 * `toJSON`, as JSON does). `undefined`, functions and symbols are left out
 * of objects and become `null` in arrays, as in JSON.
 */
export function canonicalJson(value: unknown): string {
  return encode(value, [], 0) ?? 'null';
}

function encode(value: unknown, stack: object[], depth: number): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.normalize('NFC'));
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : JSON.stringify(String(value));
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return JSON.stringify(`${value.toString()}n`);
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return 'null';
  const object = value as object;
  if (depth >= MAX_DEPTH) return '"[too deep]"';
  if (stack.includes(object)) throw new TypeError('fingerprint: the value contains a cycle');
  const toJSON = (object as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return encode(toJSON.call(object), stack, depth + 1);
  stack.push(object);
  try {
    if (Array.isArray(object)) return `[${object.map((item) => encode(item, stack, depth + 1) ?? 'null').join(',')}]`;
    if (object instanceof Set) {
      const items = [...object].map((item) => encode(item, stack, depth + 1) ?? 'null').sort();
      return `[${items.join(',')}]`;
    }
    const entries: [string, unknown][] =
      object instanceof Map ? [...object].map(([k, v]): [string, unknown] => [String(k), v]) : Object.entries(object);
    const members: string[] = [];
    for (const [k, v] of entries.map(([k, v]): [string, unknown] => [k.normalize('NFC'), v]).sort(byKey)) {
      const encoded = encode(v, stack, depth + 1);
      if (encoded !== undefined) members.push(`${JSON.stringify(k)}:${encoded}`);
    }
    return `{${members.join(',')}}`;
  } finally {
    stack.pop();
  }
}

function byKey(a: [string, unknown], b: [string, unknown]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}
