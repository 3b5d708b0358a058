import { appendFileSync, statSync } from 'node:fs';
import type { Diagnostics } from '../diagnostics.js';

/** The audit log stops growing past this size; the user can delete it to restart. */
export const AUDIT_LOG_MAX_BYTES = 10 * 1024 * 1024;

/**
 * `APP_TELEMETRY_LOG=path`: every payload that actually left, one OTLP/JSON
 * body per line, so a person can audit what their machine sent.
 */
export function appendToAuditLog(path: string, body: Uint8Array, diagnostics: Diagnostics): void {
  try {
    let size = 0;
    try {
      size = statSync(path).size;
    } catch {
      // Not there yet.
    }
    if (size + body.byteLength > AUDIT_LOG_MAX_BYTES) {
      diagnostics.report(`audit log ${path} is full (${AUDIT_LOG_MAX_BYTES} bytes); not appending`);
      return;
    }
    appendFileSync(path, `${Buffer.from(body).toString('utf8')}\n`, { mode: 0o600 });
  } catch (error) {
    diagnostics.report(`could not append to audit log ${path}`, error);
  }
}
