/**
 * How optel reads yes/no env vars. `DO_NOT_TRACK` follows its own convention
 * (any non-empty value but 0/false means "don't"); the app's own switches take
 * the usual truthy words.
 */
const TRUTHY = new Set(['1', 'true', 'yes', 'on']);

export function isTruthy(value: string | undefined): boolean {
  return value !== undefined && TRUTHY.has(value.trim().toLowerCase());
}

export function doNotTrack(value: string | undefined): boolean {
  if (value === undefined) return false;
  const v = value.trim().toLowerCase();
  return v !== '' && v !== '0' && v !== 'false';
}
