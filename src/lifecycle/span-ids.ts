import { nodeCrypto } from '../node-crypto.js';

/**
 * Random bytes drawn per fill of the pool, kept as hex: one call into the
 * random source and one hex conversion per 256 span ids, and each id is a
 * substring of the pool (a Buffer's `toString('hex')` per id cost more than
 * the rest of drawing it).
 */
const POOL_BYTES = 4096;

/** What OTLP reads as "no id", per id length in hex characters. */
const NO_ID: Readonly<Record<number, string>> = { 16: '0'.repeat(16), 32: '0'.repeat(32) };

let pool = '';
let offset = 0;

/**
 * A random id of `bytes` bytes as lower-case hex (16 for a trace id, 8 for a
 * span id), from node:crypto's random source. Never all zeros, which OTLP
 * reads as "no id".
 */
export function randomId(bytes: 8 | 16): string {
  const length = bytes * 2;
  for (;;) {
    if (offset + length > pool.length) {
      pool = nodeCrypto().randomBytes(POOL_BYTES).toString('hex');
      offset = 0;
    }
    const id = pool.slice(offset, offset + length);
    offset += length;
    if (id !== NO_ID[length]) return id;
  }
}
