import type * as Crypto from 'node:crypto';

/**
 * `node:crypto`, loaded on first use. Loading it costs about 3 ms, which the
 * telemetry-off path must not pay, yet hashing, key creation and span ids
 * need it synchronously (`fingerprint()`, a span ending in an app's own
 * SDK).
 */
export function nodeCrypto(): typeof Crypto {
  return process.getBuiltinModule('node:crypto');
}
