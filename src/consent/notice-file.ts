import { writeFileAtomic } from '../files/atomic-file.js';
import { readJsonObject, versionString } from '../files/json-file.js';

/**
 * The consent version whose first-run notice was last shown, or undefined
 * (never shown, or the file is damaged: the notice is then shown again,
 * which is the safe direction). Kept apart from the consent answer so that
 * recording a notice can never overwrite a "no" written at the same moment.
 */
export function readNoticeShownVersion(path: string): string | undefined {
  const read = readJsonObject(path);
  return read.kind === 'object' ? versionString(read.value['shownVersion']) : undefined;
}

export function writeNoticeShown(path: string, version: string): void {
  const body = `${JSON.stringify({ shownVersion: version, shownAt: new Date().toISOString() }, null, 2)}\n`;
  writeFileAtomic(path, body, 0o644);
}
