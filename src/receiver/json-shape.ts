/**
 * Small checks for reading untrusted, parsed JSON.
 *
 * Each takes the path of the value being read so that a rejected request says
 * exactly where it went wrong (e.g. `resourceSpans[0].scopeSpans[2].spans:
 * expected an array, got string`). Following the protobuf JSON mapping, an
 * absent field and an explicit null both mean "the default value".
 */

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** A short, single-line rendering of an offending value for error messages. */
export function preview(value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    return describe(value);
  }
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** An optional nested object; undefined when absent. */
export function optionalObject(parent: JsonObject, key: string, path: string): JsonObject | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value)) {
    throw new Error(`${path}.${key}: expected an object, got ${describe(value)}`);
  }
  return value;
}

/** A repeated field; an empty array when absent. */
export function optionalArray(parent: JsonObject, key: string, path: string): unknown[] {
  const value = parent[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    throw new Error(`${path}.${key}: expected an array, got ${describe(value)}`);
  }
  return value;
}

/** A string field; '' (the proto3 default) when absent. */
export function optionalString(parent: JsonObject, key: string, path: string): string {
  const value = parent[key];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') {
    throw new Error(`${path}.${key}: expected a string, got ${describe(value)}`);
  }
  return value;
}

/** Each element of an array, checked to be an object. */
export function objectsOf(values: unknown[], path: string): JsonObject[] {
  return values.map((value, index) => {
    if (!isJsonObject(value)) {
      throw new Error(`${path}[${index}]: expected an object, got ${describe(value)}`);
    }
    return value;
  });
}

/**
 * Sets an own, enumerable property. Plain assignment would treat a key named
 * `__proto__` (which a sender is free to use as an attribute key) as a
 * prototype change instead of data.
 */
export function setOwn(target: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
