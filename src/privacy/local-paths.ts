import { GENERIC_ACCOUNTS } from './rules.js';

/**
 * Facts about this machine that scrubbing needs, passed in so this part
 * stays pure (src/context/local-paths.ts reads them). Any may be missing.
 */
export interface LocalPaths {
  /** The user's home directory; replaced by `~`. */
  readonly home?: string | undefined;
  /** The user's login name; a path segment equal to it becomes `[user]`. */
  readonly userName?: string | undefined;
  /** The working directory; replaced by `[cwd]`. */
  readonly cwd?: string | undefined;
  /** The directory of the app's package.json; stack frames are kept relative to it. */
  readonly appRoot?: string | undefined;
}

/** LocalPaths turned into patterns, once per LocalPaths object. */
export interface CompiledPaths {
  /** Applied in order: the working directory, then the home directory, then the user name. */
  readonly replacements: readonly { readonly pattern: RegExp; readonly marker: string }[];
  /** The app root with `/` separators and no trailing one, for stack frames. */
  readonly appRoot: string | undefined;
  readonly appRootIgnoresCase: boolean;
}

const compiled = new WeakMap<LocalPaths, CompiledPaths>();

// A path is only replaced where it starts and ends on a boundary, so the home
// `/home/jan` is not found inside `/home/janet` or `/x/home/jan`.
const NOT_AFTER_NAME = '(?<![A-Za-z0-9_.~-]|[^\\x00-\\x7f])';
const NOT_BEFORE_NAME = '(?![A-Za-z0-9_.~-]|[^\\x00-\\x7f])';

export function compilePaths(paths: LocalPaths): CompiledPaths {
  const known = compiled.get(paths);
  if (known) return known;
  const replacements: { pattern: RegExp; marker: string }[] = [];
  const home = usablePath(paths.home);
  const cwd = usablePath(paths.cwd);
  if (cwd !== undefined && cwd !== home) replacements.push({ pattern: pathPattern(cwd), marker: '[cwd]' });
  if (home !== undefined) replacements.push({ pattern: pathPattern(home), marker: '~' });
  const user = paths.userName?.trim();
  if (user !== undefined && user.length >= 2 && !GENERIC_ACCOUNTS.has(user.toLowerCase()) && !/^\d+$/.test(user)) {
    // Only as a whole path segment: `/data/jane/x`, `C:\jane\`; never inside words.
    replacements.push({
      pattern: new RegExp(`(?<=[\\\\/])${escapeRegExp(user)}(?=[\\\\/\\s"'<>|:;,()\\[\\]{}=\`]|$)`, 'g'),
      marker: '[user]',
    });
  }
  const appRoot = usablePath(paths.appRoot);
  const result: CompiledPaths = {
    replacements,
    appRoot: appRoot?.replace(/\\/g, '/'),
    appRootIgnoresCase: appRoot !== undefined && isWindowsPath(appRoot),
  };
  compiled.set(paths, result);
  return result;
}

/** Replaces the working directory, the home directory and user-name segments. */
export function scrubLocalPaths(text: string, paths: CompiledPaths): string {
  let out = text;
  for (const { pattern, marker } of paths.replacements) {
    pattern.lastIndex = 0;
    out = out.replace(pattern, marker);
  }
  return out;
}

/** A path worth replacing: absolute, not a filesystem root, without a trailing separator. */
function usablePath(path: string | undefined): string | undefined {
  if (typeof path !== 'string') return undefined;
  const trimmed = path.replace(/[\\/]+$/, '');
  if (!/^(?:\/|[A-Za-z]:[\\/]|\\\\)/.test(path)) return undefined;
  if (trimmed === '' || /^[A-Za-z]:$/.test(trimmed)) return undefined;
  return trimmed;
}

/**
 * The path as a pattern that also finds it written with the other
 * separator or with doubled backslashes (as inside JSON); case-insensitive
 * for Windows paths.
 */
function pathPattern(path: string): RegExp {
  const segments = path.split(/[\\/]+/).map(escapeRegExp);
  const body = segments.join('(?:\\\\{1,2}|/)');
  return new RegExp(`${NOT_AFTER_NAME}${body}${NOT_BEFORE_NAME}`, isWindowsPath(path) ? 'gi' : 'g');
}

function isWindowsPath(path: string): boolean {
  return /^[A-Za-z]:/.test(path) || path.startsWith('\\\\');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
