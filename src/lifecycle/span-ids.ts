import { nodeFs } from '../builtins.js';
import { nodeCrypto } from '../node-crypto.js';

/** Random bytes read per fill of the pool: one read per 256 span ids, not one per id. */
const POOL_BYTES = 4096;

/** What OTLP reads as "no id", by id length in bytes. */
const NO_ID: Readonly<Record<number, string>> = { 8: '0'.repeat(16), 16: '0'.repeat(32) };

/** One pool, refilled in place: drawing ids allocates nothing but the ids. */
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

/**
 * A random id of `bytes` bytes as lower-case hex (16 for a trace id, 8 for a
 * span id), never all zeros, which OTLP reads as "no id".
 *
 * The bytes come from the system's random source. The first pool is read
 * from `/dev/urandom` directly: a CLI's run draws a few ids, and loading
 * node:crypto for them would cost every run about 1.5 ms, where only the
 * first run (the install id) and hashing need it. A process that draws more
 * (over 128 commands' worth) refills from node:crypto, which is faster per
 * byte once loaded. Never `Math.random()`: ids drawn from it would show
 * whoever reads the telemetry enough of the app's own generator to work out
 * its other values, and an app's tests that pin it would pin every id. Each
 * id is a string of its own, converted from the pool's bytes (an id cut from
 * one long hex string would keep the whole string alive).
 */
export function randomId(bytes: 8 | 16): string {
  if (offset + bytes > POOL_BYTES) refill();
  const id = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  // All zeros (a chance of 2^-64 and less from a real source): its last bit set makes it an id.
  return id === NO_ID[bytes] ? `${id.slice(0, -1)}1` : id;
}

let refills = 0;

/** Fills the pool: the first time from `/dev/urandom` where there is one (not on Windows), else from node:crypto. */
function refill(): void {
  if (refills++ > 0 || !readUrandom()) nodeCrypto().randomFillSync(pool);
  offset = 0;
}

function readUrandom(): boolean {
  try {
    const fs = nodeFs();
    const fd = fs.openSync('/dev/urandom', 'r');
    try {
      for (let filled = 0; filled < POOL_BYTES; ) {
        const read = fs.readSync(fd, pool, filled, POOL_BYTES - filled, null);
        if (read <= 0) return false;
        filled += read;
      }
      return true;
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}
