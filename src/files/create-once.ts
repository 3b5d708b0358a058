import { nodeFs, nodePath } from '../builtins.js';
import { tempNameFor } from './atomic-file.js';
import { readFileSafely, SETTINGS_MAX_BYTES } from './safe-read.js';

/**
 * Reads the value stored at `path`, or stores `makeFresh()` there if there
 * is none (or only a damaged one), and returns what the file holds
 * afterwards. (`makeFresh` is called only to create the file: a random value
 * then costs nothing on the runs that read it.) Two
 * processes doing this at once agree on one value: the file is created by
 * hard-linking a complete temp file, which fails if another process got
 * there first. The existing file is read safely (no link followed, regular
 * files only, at most 64 KiB); one with looser permissions than `mode` is
 * tightened, and one that can't be read safely counts as damaged and is
 * replaced. Throws when the file can't be written; the caller decides what
 * that means.
 */
export function readOrCreate(path: string, makeFresh: () => string, valid: (text: string) => boolean, mode: number): string {
  const existing = readValid(path, valid, mode);
  if (existing !== undefined) return existing;
  const fresh = makeFresh();
  const temp = tempNameFor(path);
  try {
    nodeFs().mkdirSync(nodePath().dirname(path), { recursive: true, mode: 0o700 });
    nodeFs().writeFileSync(temp, `${fresh}\n`, { mode, flag: 'wx' });
    try {
      nodeFs().linkSync(temp, path);
      return fresh;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const winner = readValid(path, valid, mode);
      if (winner !== undefined) return winner;
      // A damaged file: replace it.
      nodeFs().rmSync(path, { force: true });
      nodeFs().linkSync(temp, path);
      return fresh;
    }
  } finally {
    try {
      nodeFs().rmSync(temp, { force: true });
    } catch {
      // `force` ignores only a missing file; under a non-directory nothing was created.
    }
  }
}

function readValid(path: string, valid: (text: string) => boolean, mode: number): string | undefined {
  const read = readFileSafely(path, { maxBytes: SETTINGS_MAX_BYTES, mode });
  if (read.kind !== 'ok') return undefined;
  const text = read.bytes.toString('utf8').trim();
  return valid(text) ? text : undefined;
}
