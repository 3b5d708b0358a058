import { randomBytes } from 'node:crypto';
import type { UserFiles } from '../files/user-files.js';
import type { Diagnostics } from '../diagnostics.js';
import { loadOrCreateHashKey } from './hash-key.js';
import { loadOrCreateInstallId } from './install-id.js';
import type { ProjectFacts } from './project-id.js';
import { projectFact, projectId } from './project-id.js';

/** Which identifiers an app sends; see `TelemetryOptions.identity`. */
export interface IdentityConfig {
  readonly installId: boolean;
  readonly projectId: boolean;
  readonly userId: string | undefined;
  /** Asked only here, with telemetry on. */
  readonly project: () => ProjectFacts;
}

export interface Identity {
  /** Resource attributes: `optel.install.id`, `optel.project.id`, `optel.user.id`, each when there is one. */
  readonly attributes: Readonly<Record<string, string>>;
  /** The per-install HMAC key (stored only when something needs it across runs). */
  readonly hashKey: Uint8Array;
}

/** The identity keys optel may add to the resource. */
export const IDENTITY_KEYS: readonly string[] = ['optel.install.id', 'optel.project.id', 'optel.user.id'];

/**
 * The identifiers of this install, created on the first run with telemetry
 * on (never before: this module is loaded only then). The hash key file is
 * created only when something is hashed across runs: a declared `hash` key
 * or the project id.
 */
export function loadIdentity(config: IdentityConfig, hashesAttributes: boolean, files: UserFiles, diagnostics: Diagnostics): Identity {
  const attributes: Record<string, string> = {};
  if (config.installId) attributes['optel.install.id'] = loadOrCreateInstallId(files.installId, diagnostics);
  let facts: ProjectFacts = {};
  if (config.projectId) {
    try {
      facts = config.project();
    } catch (error) {
      diagnostics.report('could not read the project facts; no project id', error);
    }
  }
  const fact = config.projectId ? projectFact(facts) : undefined;
  const hashKey = hashesAttributes || fact !== undefined ? loadOrCreateHashKey(files.hashKey, diagnostics) : randomBytes(32);
  if (fact !== undefined) attributes['optel.project.id'] = projectId(fact, hashKey);
  if (config.userId !== undefined) attributes['optel.user.id'] = config.userId;
  return { attributes, hashKey };
}
