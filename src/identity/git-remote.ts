import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readFileSafely, SETTINGS_MAX_BYTES } from '../files/safe-read.js';

/** A repository's config with many remotes and branches stays far below this. */
const GIT_CONFIG_MAX_BYTES = 1024 * 1024;

/** A file of a cloned repository, read as untrusted (a link, a FIFO or a huge file throws). */
function readRepositoryFile(path: string, maxBytes: number): string {
  const read = readFileSafely(path, { maxBytes });
  if (read.kind !== 'ok') throw new Error(`${path}: ${read.kind === 'refused' ? read.reason : 'absent'}`);
  return read.bytes.toString('utf8');
}

/**
 * The URL of the repository's `origin` remote (else its first remote), read
 * from the git config file itself: no `git` process is ever started. Follows
 * a `.git` file (worktrees, submodules) to the real git dir and its common
 * dir. Undefined when there is no readable remote. Every file is read
 * safely: a config that is a link, a FIFO or huge gives no remote.
 */
export function readGitRemote(repositoryRoot: string): string | undefined {
  try {
    const config = readRepositoryFile(join(gitCommonDir(repositoryRoot), 'config'), GIT_CONFIG_MAX_BYTES);
    const remotes = parseRemotes(config);
    return remotes.get('origin') ?? remotes.values().next().value;
  } catch {
    return undefined;
  }
}

function gitCommonDir(root: string): string {
  const dotGit = join(root, '.git');
  if (statSync(dotGit).isDirectory()) return dotGit;
  const pointer = /^gitdir:\s*(.+)$/m.exec(readRepositoryFile(dotGit, SETTINGS_MAX_BYTES));
  if (!pointer?.[1]) throw new Error(`${dotGit} does not point to a git dir`);
  const gitDir = resolve(root, pointer[1].trim());
  try {
    return resolve(gitDir, readRepositoryFile(join(gitDir, 'commondir'), SETTINGS_MAX_BYTES).trim());
  } catch {
    return gitDir;
  }
}

/** `[remote "name"]` sections and their `url`, from git's INI-like config. */
export function parseRemotes(config: string): Map<string, string> {
  const remotes = new Map<string, string>();
  let current: string | undefined;
  for (const raw of config.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('[')) {
      current = /^\[\s*remote\s+"([^"]+)"\s*\]/.exec(line)?.[1];
      continue;
    }
    if (current === undefined || remotes.has(current)) continue;
    const url = /^url\s*=\s*(.*)$/i.exec(line)?.[1];
    if (url !== undefined) remotes.set(current, unquote(url));
  }
  return remotes;
}

function unquote(value: string): string {
  const trimmed = value.replace(/\s+[#;].*$/, '').trim();
  return trimmed.startsWith('"') && trimmed.endsWith('"') && trimmed.length >= 2 ? trimmed.slice(1, -1) : trimmed;
}

/**
 * One spelling per repository: `git@github.com:acme/tool.git`,
 * `https://user:token@GitHub.com/acme/tool` and `ssh://git@github.com:22/acme/tool.git/`
 * all become `github.com/acme/tool`. Credentials and ports never take part.
 */
export function normalizeRemote(url: string): string | undefined {
  const text = url.trim();
  if (text === '') return undefined;
  let host = '';
  let path: string;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    try {
      const parsed = new URL(text);
      host = parsed.hostname;
      path = decodeURIComponent(parsed.pathname);
    } catch {
      return undefined;
    }
  } else {
    // scp-like syntax: [user@]host:path (a colon before any slash).
    const scp = /^(?:[^@/]+@)?([^:/]+):(.*)$/.exec(text);
    if (scp?.[1] !== undefined && scp[2] !== undefined) {
      host = scp[1];
      path = scp[2];
    } else {
      path = text;
    }
  }
  const cleaned = path.replace(/\\/g, '/').replace(/\/+$/, '').replace(/\.git$/i, '').replace(/^\/+/, '');
  if (cleaned === '' && host === '') return undefined;
  return host === '' ? cleaned : `${host.toLowerCase()}/${cleaned}`;
}
