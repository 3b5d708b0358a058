import { readFileSync } from 'node:fs';

/** A small JSON settings file as read from disk. */
export type JsonFileRead =
  | { readonly kind: 'absent' }
  | { readonly kind: 'object'; readonly value: Readonly<Record<string, unknown>> }
  /** Unreadable, not JSON, or not a JSON object. */
  | { readonly kind: 'unreadable'; readonly reason: string };

/**
 * Reads a JSON object from `path`. Never throws: a missing file is `absent`,
 * anything else that is not a readable JSON object is `unreadable` with a
 * short reason, so callers can count damage as a "no".
 */
export function readJsonObject(path: string): JsonFileRead {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'absent' };
    return { kind: 'unreadable', reason: code ?? 'read error' };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
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
