import { nodeCrypto } from '../node-crypto.js';

/** Ids handed out per fill of the pool: one call into the random source per 128 ids, not per id. */
const POOL_BYTES = 2048;

let pool: Buffer | undefined;
let offset = POOL_BYTES;

/**
 * A random id of `bytes` bytes as lower-case hex (16 for a trace id, 8 for a
 * span id), from node:crypto's random source. Never all zeros, which OTLP
 * reads as "no id".
 */
export function randomId(bytes: 8 | 16): string {
  for (;;) {
    if (pool === undefined || offset + bytes > POOL_BYTES) {
      pool = nodeCrypto().randomBytes(POOL_BYTES);
      offset = 0;
    }
    const id = pool.toString('hex', offset, offset + bytes);
    offset += bytes;
    if (!/^0+$/.test(id)) return id;
  }
}
