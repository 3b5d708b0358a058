import { writeFileAtomic } from '../files/atomic-file.js';
import { readJsonObject, versionString } from '../files/json-file.js';

/** What the user-scope consent file says. */
export type FileVerdict =
  | { readonly kind: 'absent' }
  /** `version`: the consent version the answer was given for (absent in files written before versions existed). */
  | { readonly kind: 'answer'; readonly enabled: boolean; readonly version?: string }
  /** Corrupt or unreadable: counted as a "no", so damage never turns telemetry on. */
  | { readonly kind: 'unreadable'; readonly reason: string };

export function readConsentFile(path: string): FileVerdict {
  const read = readJsonObject(path);
  if (read.kind !== 'object') return read;
  const enabled = read.value['enabled'];
  if (typeof enabled !== 'boolean') return { kind: 'unreadable', reason: 'no boolean "enabled" field' };
  const version = versionString(read.value['version']);
  return version === undefined ? { kind: 'answer', enabled } : { kind: 'answer', enabled, version };
}

/**
 * Stores the user's answer, whole: this file is written only by `set()` and
 * `ask()`, never merged with anything else, so two processes answering at
 * once leave one complete answer (the later one), never a mix.
 */
export function writeConsentFile(path: string, enabled: boolean, version: string): void {
  const body = `${JSON.stringify({ enabled, version, decidedAt: new Date().toISOString() }, null, 2)}\n`;
  writeFileAtomic(path, body, 0o644);
}
