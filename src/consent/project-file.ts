import { nodeFs, nodePath } from '../builtins.js';
import { writeFileAtomic } from '../files/atomic-file.js';
import { readJsonObject } from '../files/json-file.js';

/** What one project-scope consent file says. */
export type ProjectVerdict =
  | { readonly kind: 'answer'; readonly enabled: boolean; readonly projectId?: string }
  /** A readable file without an answer (e.g. it only holds a `projectId`). */
  | { readonly kind: 'no-answer'; readonly projectId?: string }
  /** Corrupt or unreadable: counted as a "no". */
  | { readonly kind: 'unreadable'; readonly reason: string };

export interface ProjectFile {
  readonly path: string;
  readonly verdict: ProjectVerdict;
}

export interface ProjectDiscovery {
  /** Every project file found from the start directory up, nearest first. */
  readonly files: readonly ProjectFile[];
  /** The repository root (the directory holding `.git`), when one was reached. */
  readonly root: string | undefined;
  /**
   * Where `set(..., { scope: 'project' })` writes: the repository root, else
   * the start directory; undefined when that is the home directory.
   */
  readonly writePath: string | undefined;
}

/**
 * Finds the project files that apply to `start`. Inside a repository (a
 * directory holding `.git`, a directory or a worktree's file, found from
 * `start` up), every directory from `start` up to the repository root is
 * checked for `fileName`; outside one, only `start` itself: a parent
 * directory outside any repository (`/tmp`, a shared folder) can be written
 * by anyone and is no project's. The home directory is never a project, and
 * the search never goes past it. All files found are returned, because any
 * "no" wins: a monorepo's root file saying no is not undone by a package's
 * file saying yes. Reads only; runs no `git`.
 */
export function discoverProject(start: string, fileName: string, home: string | undefined): ProjectDiscovery {
  const from = nodePath().resolve(start);
  const stopAt = home === undefined || home === '' ? undefined : nodePath().resolve(home);
  const root = repositoryRoot(from, stopAt);
  const files: ProjectFile[] = [];
  for (let dir = from; dir !== stopAt; ) {
    const path = nodePath().join(dir, fileName);
    const verdict = readProjectFile(path);
    if (verdict) files.push({ path, verdict });
    const parent = nodePath().dirname(dir);
    if (root === undefined || dir === root || parent === dir) break;
    dir = parent;
  }
  const writeDir = root ?? (from === stopAt ? undefined : from);
  return { files, root, writePath: writeDir === undefined ? undefined : nodePath().join(writeDir, fileName) };
}

/** The nearest directory from `from` up holding `.git`, stopping before `stopAt` and at the filesystem root. */
function repositoryRoot(from: string, stopAt: string | undefined): string | undefined {
  for (let dir = from; dir !== stopAt; ) {
    if (nodeFs().existsSync(nodePath().join(dir, '.git'))) return dir;
    const parent = nodePath().dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}

/** undefined when there is no file at `path`. */
export function readProjectFile(path: string): ProjectVerdict | undefined {
  const read = readJsonObject(path);
  if (read.kind === 'absent') return undefined;
  if (read.kind === 'unreadable') return read;
  const rawId = read.value['projectId'];
  const id = typeof rawId === 'string' && rawId.trim() !== '' ? { projectId: rawId.trim() } : {};
  const enabled = read.value['enabled'];
  if (enabled === undefined) return { kind: 'no-answer', ...id };
  if (typeof enabled !== 'boolean') return { kind: 'unreadable', reason: '"enabled" is not true or false' };
  return { kind: 'answer', enabled, ...id };
}

/** A projectId worth keeping: what `writeProjectFile` creates, or a short id someone wrote by hand. */
const PROJECT_ID = /^[\w.:-]{1,128}$/;

/**
 * Stores a project's answer as a new file holding `enabled` and, for a yes,
 * a `projectId`: the existing one if it is a plain id, else a random one (a
 * stable project fact for repositories without a git remote); a no removes
 * it, so a project that said no keeps no identifier. Nothing else of the
 * file that was there is carried over (it may be a link to, or a copy of, a
 * file that is not this project's to publish), and it is replaced whole
 * (temp file + rename), never written through.
 */
export function writeProjectFile(path: string, enabled: boolean): void {
  const fields: Record<string, unknown> = { enabled };
  if (enabled) {
    const read = readJsonObject(path);
    const existing = read.kind === 'object' ? read.value['projectId'] : undefined;
    // The global Web Crypto object: node:crypto is loaded only now, not at start.
    fields['projectId'] = typeof existing === 'string' && PROJECT_ID.test(existing.trim()) ? existing.trim() : globalThis.crypto.randomUUID();
  }
  writeFileAtomic(path, `${JSON.stringify(fields, null, 2)}\n`, 0o644);
}
