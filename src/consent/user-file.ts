import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic-file.js';

/** What the user-scope consent file says. */
export type FileVerdict =
  | { readonly kind: 'absent' }
  | { readonly kind: 'answer'; readonly enabled: boolean }
  /** Corrupt or unreadable: counted as a "no", so damage never turns telemetry on. */
  | { readonly kind: 'unreadable'; readonly reason: string };

export function readConsentFile(path: string): FileVerdict {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
    return { kind: 'unreadable', reason: (error as NodeJS.ErrnoException).code ?? 'read error' };
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { enabled?: unknown }).enabled === 'boolean') {
      return { kind: 'answer', enabled: (parsed as { enabled: boolean }).enabled };
    }
    return { kind: 'unreadable', reason: 'no boolean "enabled" field' };
  } catch {
    return { kind: 'unreadable', reason: 'not valid JSON' };
  }
}

export function writeConsentFile(path: string, enabled: boolean): void {
  const body = `${JSON.stringify({ enabled, decidedAt: new Date().toISOString() }, null, 2)}\n`;
  writeFileAtomic(path, body, 0o644);
}
