import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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
 * Finds the project files that apply to `start`: walks up from it, checking
 * each directory for `fileName`, and stops after the repository root (a
 * directory holding `.git`, a directory or a worktree's file), at the home
 * directory (never itself a project), or at the filesystem root. All of them
 * are returned, because any "no" wins: a monorepo's root file saying no is
 * not undone by a package's file saying yes. Reads only; runs no `git`.
 */
export function discoverProject(start: string, fileName: string, home: string | undefined): ProjectDiscovery {
  const files: ProjectFile[] = [];
  const from = resolve(start);
  const stopAt = home === undefined || home === '' ? undefined : resolve(home);
  let root: string | undefined;
  for (let dir = from; dir !== stopAt; ) {
    const path = join(dir, fileName);
    const verdict = readProjectFile(path);
    if (verdict) files.push({ path, verdict });
    if (existsSync(join(dir, '.git'))) {
      root = dir;
      break;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  const writeDir = root ?? (from === stopAt ? undefined : from);
  return { files, root, writePath: writeDir === undefined ? undefined : join(writeDir, fileName) };
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

/**
 * Stores a project's answer, keeping the file's other fields. A "yes" also
 * gives the project a random `projectId` if it has none (a stable project
 * fact for repositories without a git remote); a "no" removes it, so a
 * project that said no keeps no identifier.
 */
export function writeProjectFile(path: string, enabled: boolean): void {
  const read = readJsonObject(path);
  const fields: Record<string, unknown> = read.kind === 'object' ? { ...read.value } : {};
  fields['enabled'] = enabled;
  if (!enabled) delete fields['projectId'];
  else if (typeof fields['projectId'] !== 'string' || fields['projectId'].trim() === '') {
    // The global Web Crypto object: node:crypto is loaded only now, not at start.
    fields['projectId'] = globalThis.crypto.randomUUID();
  }
  writeFileAtomic(path, `${JSON.stringify(fields, null, 2)}\n`, 0o644);
}
