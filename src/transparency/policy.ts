import type { DataPolicy } from '../config/options.js';

/** The policy's fields, in the order users read them, with the label each is shown under. */
export const POLICY_FIELDS: readonly { readonly field: keyof DataPolicy; readonly label: string }[] = [
  { field: 'purpose', label: 'Why it is collected' },
  { field: 'retention', label: 'How long it is kept' },
  { field: 'access', label: 'Who can see it' },
  { field: 'published', label: 'Whether it is published' },
  { field: 'contact', label: 'Contact' },
  { field: 'deletion', label: 'Deleting your data' },
];

/** What an unanswered question reads as: the document says so rather than staying silent. */
export const NOT_STATED = 'not stated by the app';

export interface PolicyReading {
  /** The fields the app stated, trimmed; blank or non-string ones are left out. */
  readonly policy: DataPolicy;
  readonly missing: readonly (keyof DataPolicy)[];
}

/** Reads the app's `policy` option (from plain JavaScript too: anything but strings counts as unstated). */
export function readPolicy(given: unknown): PolicyReading {
  const source = typeof given === 'object' && given !== null ? (given as Record<string, unknown>) : {};
  const policy: Record<string, string> = {};
  const missing: (keyof DataPolicy)[] = [];
  for (const { field } of POLICY_FIELDS) {
    const value = source[field];
    if (typeof value === 'string' && value.trim() !== '') policy[field] = value.trim();
    else missing.push(field);
  }
  return { policy, missing };
}

/** The one diagnostic about unanswered questions, or undefined when all are answered. */
export function missingPolicyDiagnostic(missing: readonly (keyof DataPolicy)[]): string | undefined {
  if (missing.length === 0) return undefined;
  return `policy: ${missing.join(', ')} not stated; users are told "${NOT_STATED}" (see the README's Transparency section)`;
}

/** Each question with the app's answer, or `not stated by the app`. */
export function policyEntries(policy: DataPolicy): { readonly field: keyof DataPolicy; readonly label: string; readonly text: string }[] {
  return POLICY_FIELDS.map(({ field, label }) => ({ field, label, text: policy[field] ?? NOT_STATED }));
}
