import type * as Crypto from 'node:crypto';
// A namespace import: both builds load it at first use (see build/lazy-builtins-cjs.ts).
import * as nodeModule from 'node:module';

let loaded: typeof Crypto | undefined;

/**
 * `node:crypto`, loaded on first use. Loading it costs about 3 ms, which the
 * telemetry-off path must not pay, yet hashing and key creation need it
 * synchronously (`fingerprint()`, a span ending in an app's own SDK). A
 * builtin resolves the same from any path, so any absolute one will do.
 */
export function nodeCrypto(): typeof Crypto {
  loaded ??= nodeModule.createRequire(process.execPath)('node:crypto') as typeof Crypto;
  return loaded;
}
