import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Diagnostics } from '../diagnostics.js';
import { nodeCrypto } from '../node-crypto.js';

const KEY_BYTES = 32;
const KEY_PATTERN = /^[0-9a-f]{64}$/;

/**
 * The per-install HMAC key: 32 random bytes, stored as hex in a 0600 file,
 * created only once telemetry is enabled and never exported. Two processes
 * starting at once agree on one key (exclusive create via a hard link). If
 * the file can't be read or written (read-only home), a key for this process
 * only is used: hashes stay unlinkable, they just don't repeat across runs.
 */
export function loadOrCreateHashKey(path: string, diagnostics: Diagnostics): Uint8Array {
  const existing = readKey(path);
  if (existing) return existing;
  const key = nodeCrypto().randomBytes(KEY_BYTES);
  const temp = `${path}.${process.pid}.${nodeCrypto().randomBytes(4).toString('hex')}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(temp, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    try {
      linkSync(temp, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const winner = readKey(path);
      if (winner) return winner;
      // A corrupt key file: replace it rather than hash with something guessable.
      rmSync(path, { force: true });
      linkSync(temp, path);
    }
    return key;
  } catch (error) {
    diagnostics.report(`could not store the hash key at ${path}; using a key for this process only`, error);
    return key;
  } finally {
    removeTemp(temp);
  }
}

function readKey(path: string): Uint8Array | undefined {
  try {
    const text = readFileSync(path, 'utf8').trim();
    return KEY_PATTERN.test(text) ? Buffer.from(text, 'hex') : undefined;
  } catch {
    return undefined;
  }
}

/** `force` ignores only a missing file; a path under a non-directory (ENOTDIR) must not throw either. */
function removeTemp(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // Nothing could have been created there.
  }
}
