import { nodeCrypto } from '../node-crypto.js';
import { normalizeRemote, readGitRemote } from './git-remote.js';

/** The stable project fact a project id is derived from. */
export interface ProjectFacts {
  /** The repository root, whose git remote is read. */
  readonly root?: string;
  /** A `projectId` from the project file; preferred over the remote. */
  readonly fileId?: string;
}

/**
 * `optel.project.id`: HMAC-SHA256, keyed with the per-install hash key, of
 * the project file's `projectId` or else the normalized git remote URL,
 * as 32 hex characters. The same repository gives the same id on this
 * machine and an unrelated one elsewhere; without the key the remote can't
 * be recovered by hashing a list of known repositories.
 */
export function projectId(fact: string, hashKey: Uint8Array): string {
  // A prefix of its own, so a project id never equals the digest of an attribute value.
  return nodeCrypto().createHmac('sha256', hashKey).update(`optel.project.id\0${fact}`, 'utf8').digest('hex').slice(0, 32);
}

/** The fact to hash, or undefined when the project has none (no project file id, no remote). */
export function projectFact(facts: ProjectFacts): string | undefined {
  if (facts.fileId !== undefined) return `file:${facts.fileId}`;
  if (facts.root === undefined) return undefined;
  const remote = readGitRemote(facts.root);
  const normalized = remote === undefined ? undefined : normalizeRemote(remote);
  return normalized === undefined ? undefined : `git:${normalized}`;
}
