import { readFileSafely, SETTINGS_MAX_BYTES } from './safe-read.js';

/** A small JSON settings file as read from disk. */
export type JsonFileRead =
  | { readonly kind: 'absent' }
  | { readonly kind: 'object'; readonly value: Readonly<Record<string, unknown>> }
  /** Unreadable, not safe to read (a link, a FIFO, too large, ...), not JSON, or not a JSON object. */
  | { readonly kind: 'unreadable'; readonly reason: string };

/**
 * Reads a JSON object from `path`, safely (see `readFileSafely`: no link
 * followed, regular files only, at most 64 KiB). Never throws: a missing
 * file is `absent`, anything else that is not a readable JSON object is
 * `unreadable` with a short reason, so callers can count it as a "no".
 */
export function readJsonObject(path: string): JsonFileRead {
  const read = readFileSafely(path, { maxBytes: SETTINGS_MAX_BYTES });
  if (read.kind === 'absent') return read;
  if (read.kind === 'refused') return { kind: 'unreadable', reason: read.reason };
  let parsed: unknown;
  try {
    parsed = JSON.parse(read.bytes.toString('utf8'));
  } catch {
    return { kind: 'unreadable', reason: 'not valid JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { kind: 'unreadable', reason: 'not a JSON object' };
  }
  return { kind: 'object', value: parsed as Record<string, unknown> };
}

/** A version as stored: consent versions are compared as strings. */
export function versionString(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}
