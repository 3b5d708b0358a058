/**
 * Turns OTLP attribute lists (KeyValue[] of AnyValue) into plain objects, the
 * form people write assertions against: `{ 'cli.command': 'build', retries: 3 }`.
 *
 * Mapping of AnyValue members:
 * - stringValue, boolValue, doubleValue: the value itself;
 * - intValue: a number when it is a safe integer, otherwise its decimal string
 *   (int64 does not fit in a double, and a silently rounded id or size would
 *   be worse than a string). The JS JSON exporter sends big integers as JSON
 *   numbers; those become the decimal string of the number too, so both
 *   encodings of the same span normalize alike;
 * - arrayValue: an array; kvlistValue: a nested plain object;
 * - bytesValue: its base64 string, as in OTLP/JSON;
 * - no member set (an empty value): null.
 * Unknown members are ignored, so values from newer senders degrade to null
 * instead of failing the whole request.
 */
import { describe, isJsonObject, preview, objectsOf, optionalArray, optionalString, setOwn } from './json-shape.js';
import type { JsonObject } from './json-shape.js';

// Arrays and kvlists may nest; JSON.parse already bounds depth in practice,
// but a limit here keeps the recursion independent of the input's source.
const MAX_DEPTH = 32;

/** An attribute list (absent → {}). Later duplicates of a key win. */
export function toAttributeRecord(list: unknown, path: string): Record<string, unknown> {
  if (list === undefined || list === null) return {};
  if (!Array.isArray(list)) {
    throw new Error(`${path}: expected an array of key/value pairs, got ${describe(list)}`);
  }
  return keyValuesToRecord(list, path, 0);
}

function keyValuesToRecord(list: unknown[], path: string, depth: number): JsonObject {
  const record: JsonObject = {};
  objectsOf(list, path).forEach((keyValue, index) => {
    const itemPath = `${path}[${index}]`;
    const key = optionalString(keyValue, 'key', itemPath);
    setOwn(record, key, toPlainValue(keyValue['value'], `${itemPath}.value`, depth + 1));
  });
  return record;
}

export function toPlainValue(anyValue: unknown, path: string, depth = 0): unknown {
  if (depth > MAX_DEPTH) {
    throw new Error(`${path}: values nested deeper than ${MAX_DEPTH} levels`);
  }
  if (anyValue === undefined || anyValue === null) return null;
  if (!isJsonObject(anyValue)) {
    throw new Error(`${path}: expected an AnyValue object, got ${describe(anyValue)}`);
  }
  if ('stringValue' in anyValue && anyValue['stringValue'] != null) {
    return optionalString(anyValue, 'stringValue', path);
  }
  if ('boolValue' in anyValue && anyValue['boolValue'] != null) {
    const value = anyValue['boolValue'];
    if (typeof value !== 'boolean') {
      throw new Error(`${path}.boolValue: expected a boolean, got ${describe(value)}`);
    }
    return value;
  }
  if ('intValue' in anyValue && anyValue['intValue'] != null) {
    return toInt(anyValue['intValue'], `${path}.intValue`);
  }
  if ('doubleValue' in anyValue && anyValue['doubleValue'] != null) {
    return toDouble(anyValue['doubleValue'], `${path}.doubleValue`);
  }
  if ('arrayValue' in anyValue && anyValue['arrayValue'] != null) {
    const array = anyValue['arrayValue'];
    if (!isJsonObject(array)) {
      throw new Error(`${path}.arrayValue: expected an object, got ${describe(array)}`);
    }
    return optionalArray(array, 'values', `${path}.arrayValue`).map((item, index) =>
      toPlainValue(item, `${path}.arrayValue.values[${index}]`, depth + 1),
    );
  }
  if ('kvlistValue' in anyValue && anyValue['kvlistValue'] != null) {
    const kvlist = anyValue['kvlistValue'];
    if (!isJsonObject(kvlist)) {
      throw new Error(`${path}.kvlistValue: expected an object, got ${describe(kvlist)}`);
    }
    return keyValuesToRecord(optionalArray(kvlist, 'values', `${path}.kvlistValue`), `${path}.kvlistValue.values`, depth);
  }
  if ('bytesValue' in anyValue && anyValue['bytesValue'] != null) {
    return optionalString(anyValue, 'bytesValue', path);
  }
  return null;
}

function toInt(value: unknown, path: string): number | string {
  let big: bigint;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) {
      throw new Error(`${path}: expected an integer, got ${value}`);
    }
    big = BigInt(value);
  } else if (typeof value === 'string' && /^-?\d+$/.test(value)) {
    big = BigInt(value);
  } else {
    throw new Error(`${path}: expected an integer or a decimal string, got ${preview(value)}`);
  }
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big.toString();
}

function toDouble(value: unknown, path: string): number {
  if (typeof value === 'number') return value;
  // The protobuf JSON mapping spells non-finite doubles as strings and allows
  // numbers in quotes.
  if (typeof value === 'string') {
    if (value === 'NaN') return Number.NaN;
    if (value === 'Infinity') return Number.POSITIVE_INFINITY;
    if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
    const parsed = Number(value);
    if (value.trim() !== '' && Number.isFinite(parsed)) return parsed;
  }
  throw new Error(`${path}: expected a number, got ${preview(value)}`);
}
