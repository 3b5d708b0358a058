import { nodeCrypto } from '../node-crypto.js';

/** Random bytes drawn per fill of the pool: one call into the random source per 256 span ids, not per id. */
const POOL_BYTES = 4096;

/** What OTLP reads as "no id", by id length in bytes. */
const NO_ID: Readonly<Record<number, string>> = { 8: '0'.repeat(16), 16: '0'.repeat(32) };

let pool: Buffer | undefined;
let offset = POOL_BYTES;

/**
 * A random id of `bytes` bytes as lower-case hex (16 for a trace id, 8 for a
 * span id), from node:crypto's random source. Never all zeros, which OTLP
 * reads as "no id".
 *
 * Each id is a string of its own, converted from the pool's bytes. (Cut
 * with `slice` from one hex string, ids were cheaper to draw, but each was
 * a view that kept its whole pool alive: more survived each young
 * collection, and in the collector-down bench the young generation doubled
 * within the 100k commands, +8 MB of RSS.)
 */
export function randomId(bytes: 8 | 16): string {
  for (;;) {
    if (pool === undefined || offset + bytes > POOL_BYTES) {
      pool = nodeCrypto().randomBytes(POOL_BYTES);
      offset = 0;
    }
    const id = pool.toString('hex', offset, offset + bytes);
    offset += bytes;
    if (id !== NO_ID[bytes]) return id;
  }
}
