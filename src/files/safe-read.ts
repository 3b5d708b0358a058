import { nodeFs } from '../builtins.js';
import type { Stats } from 'node:fs';

/** The cap for settings, ids and keys: any of them is a few hundred bytes. */
export const SETTINGS_MAX_BYTES = 64 * 1024;

/** What reading a file optel did not necessarily write gave. */
export type SafeRead =
  | { readonly kind: 'absent' }
  | { readonly kind: 'ok'; readonly bytes: Buffer }
  /** There is something at the path, but it is not a small regular file that could be read safely. */
  | { readonly kind: 'refused'; readonly reason: string };

export interface SafeReadOptions {
  /** Read at most this many bytes; a larger file is refused without being read. */
  readonly maxBytes: number;
  /**
   * Permission bits the file must not exceed (e.g. 0o600 for a key): looser
   * bits are taken away on the open descriptor; a file that can't be fixed
   * (another owner) is refused.
   */
  readonly mode?: number;
}

// Windows has neither flag; there the lstat below stands in for O_NOFOLLOW.
const NOFOLLOW = nodeFs().constants.O_NOFOLLOW ?? 0;
const NONBLOCK = nodeFs().constants.O_NONBLOCK ?? 0;

/**
 * Reads a file any other program or a cloned repository may have put in
 * place, without trusting it: a symbolic link is not followed (O_NOFOLLOW),
 * opening never waits for a writer (O_NONBLOCK: a FIFO opens at once), the
 * open descriptor is checked to be a regular file (not a FIFO, a device, a
 * socket or a directory), and no more than `maxBytes` is read, so a huge
 * file costs one fstat. Never throws.
 */
export function readFileSafely(path: string, options: SafeReadOptions): SafeRead {
  let fd: number;
  try {
    if (NOFOLLOW === 0 && nodeFs().lstatSync(path).isSymbolicLink()) return refused('a symbolic link');
    fd = nodeFs().openSync(path, nodeFs().constants.O_RDONLY | NOFOLLOW | NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'absent' };
    // O_NOFOLLOW on a link fails with ELOOP (EMLINK on some BSDs).
    if (code === 'ELOOP' || code === 'EMLINK') return refused('a symbolic link');
    return refused(code ?? 'could not open');
  }
  try {
    const stats = nodeFs().fstatSync(fd);
    if (!stats.isFile()) return refused(`not a regular file (${typeOf(stats)})`);
    if (stats.size > options.maxBytes) return refused(`larger than ${options.maxBytes} bytes`);
    if (options.mode !== undefined && (stats.mode & 0o777 & ~options.mode) !== 0) nodeFs().fchmodSync(fd, options.mode);
    return { kind: 'ok', bytes: readAtMost(fd, options.maxBytes) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return refused(code === 'EFBIG' ? `larger than ${options.maxBytes} bytes` : (code ?? String(error)));
  } finally {
    nodeFs().closeSync(fd);
  }
}

/** Reads up to `maxBytes`; a file that grew past it meanwhile is an error, not a silent cut. */
function readAtMost(fd: number, maxBytes: number): Buffer {
  const buffer = Buffer.alloc(Math.min(maxBytes + 1, 64 * 1024));
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const read = nodeFs().readSync(fd, buffer, 0, buffer.length, null);
    if (read === 0) break;
    total += read;
    if (total > maxBytes) throw Object.assign(new Error('file grew past the cap'), { code: 'EFBIG' });
    chunks.push(Buffer.from(buffer.subarray(0, read)));
  }
  return Buffer.concat(chunks, total);
}

function refused(reason: string): SafeRead {
  return { kind: 'refused', reason };
}

function typeOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  return 'not a file';
}

/** Whether `path` is a real directory: not a symbolic link to one, not a file. */
export function isRealDirectory(path: string): boolean {
  try {
    return nodeFs().lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}
