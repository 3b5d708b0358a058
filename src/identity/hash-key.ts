import type { Diagnostics } from '../diagnostics.js';
import { nodeCrypto } from '../node-crypto.js';
import { readOrCreate } from '../files/create-once.js';

const KEY_BYTES = 32;
const KEY_PATTERN = /^[0-9a-f]{64}$/;

/**
 * The per-install HMAC key: 32 random bytes, stored as hex in a 0600 file,
 * created only once telemetry is enabled and never exported. Two processes
 * starting at once agree on one key, and a damaged key file is replaced
 * rather than hashed with (see `readOrCreate`). If the file can't be written
 * (read-only home), a key for this process only is used: hashes stay
 * unlinkable, they just don't repeat across runs.
 */
export function loadOrCreateHashKey(path: string, diagnostics: Diagnostics): Uint8Array {
  const fresh = (): string => nodeCrypto().randomBytes(KEY_BYTES).toString('hex');
  try {
    return Buffer.from(readOrCreate(path, fresh, (text) => KEY_PATTERN.test(text), 0o600), 'hex');
  } catch (error) {
    diagnostics.report(`could not store the hash key at ${path}; using a key for this process only`, error);
    return Buffer.from(fresh(), 'hex');
  }
}
