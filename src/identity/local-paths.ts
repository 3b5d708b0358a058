import { nodeFs, nodeOs, nodePath } from '../builtins.js';
import type { LocalPaths } from '../privacy/local-paths.js';

/** Directories walked up from the entry script before giving up on finding package.json. */
const MAX_LEVELS = 64;

/**
 * The facts path scrubbing needs, read once: the home directory, the login
 * name, the working directory, and the app root (the directory of the
 * nearest package.json above the entry script, with symlinks resolved as
 * in stack traces). Each is left out when it can't be read: `userInfo()`
 * throws for a uid without a passwd entry (common in containers), and
 * `process.cwd()` throws when the directory was deleted.
 */
export function localPaths(): LocalPaths {
  return {
    home: attempt(() => nodeOs().homedir()),
    userName: attempt(() => nodeOs().userInfo().username),
    cwd: attempt(() => process.cwd()),
    appRoot: attempt(() => appRoot(process.argv[1])),
  };
}

function appRoot(entry: string | undefined): string | undefined {
  if (entry === undefined || entry === '') return undefined;
  const start = nodePath().dirname(attempt(() => nodeFs().realpathSync(entry)) ?? entry);
  let dir = start;
  for (let level = 0; level < MAX_LEVELS; level++) {
    if (nodeFs().existsSync(nodePath().join(dir, 'package.json'))) return dir;
    const parent = nodePath().dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  // A lone script: frames next to it are the app's.
  return start;
}

function attempt<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
