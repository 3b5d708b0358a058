import { nodeFs, nodePath } from '../builtins.js';

let counter = 0;

/**
 * A temp name no other writer uses: pid + time + a per-process counter, made
 * exclusive by the `wx` flag. (Not `crypto.randomBytes`: loading node:crypto
 * costs ~3 ms at start, and this module loads even with telemetry off.)
 */
export function tempNameFor(path: string): string {
  counter = (counter + 1) % 1_000_000;
  return `${path}.${process.pid}.${Date.now().toString(36)}${counter.toString(36)}.tmp`;
}

/**
 * Writes a file so that readers see the old content or the new, never half:
 * a temp file in the same directory, then rename. Concurrent writers each
 * rename their own complete file; the last one wins.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644): void {
  nodeFs().mkdirSync(nodePath().dirname(path), { recursive: true, mode: 0o700 });
  const temp = tempNameFor(path);
  try {
    nodeFs().writeFileSync(temp, data, { mode, flag: 'wx' });
    nodeFs().renameSync(temp, path);
  } catch (error) {
    nodeFs().rmSync(temp, { force: true });
    throw error;
  }
}
