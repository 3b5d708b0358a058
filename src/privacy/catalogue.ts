import type { AttributeCatalogue, AttributeTreatment } from '../options.js';

/**
 * Keys optel itself writes. They carry only values optel chose (enums,
 * numbers, class names), so they pass without being declared.
 */
export const OPTEL_ATTRIBUTE_KEYS: ReadonlySet<string> = new Set([
  'optel.lifecycle',
  'optel.outcome',
  'process.exit.code',
  'error.type',
]);

/** Keys of the `exception` event that may leave (message and stack may hold paths and secrets). */
export const EXCEPTION_EVENT_KEYS: ReadonlySet<string> = new Set(['exception.type']);

export type KeyTreatment = AttributeTreatment | 'optel' | 'drop';

export function treatmentOf(catalogue: AttributeCatalogue, key: string): KeyTreatment {
  if (OPTEL_ATTRIBUTE_KEYS.has(key)) return 'optel';
  const declared = Object.hasOwn(catalogue, key) ? catalogue[key] : undefined;
  return declared === 'clear' || declared === 'hash' ? declared : 'drop';
}

/** Checks an app's catalogue; returns the problems (unknown treatments, reserved keys). */
export function validateCatalogue(catalogue: AttributeCatalogue): string[] {
  const problems: string[] = [];
  for (const [key, treatment] of Object.entries(catalogue)) {
    if (treatment !== 'clear' && treatment !== 'hash') {
      problems.push(`attribute "${key}" has treatment "${String(treatment)}"; use "clear" or "hash" (it will be dropped)`);
    }
    if (OPTEL_ATTRIBUTE_KEYS.has(key)) {
      problems.push(`attribute "${key}" is written by optel itself; the declaration is ignored`);
    }
  }
  return problems;
}
