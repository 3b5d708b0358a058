import type { UserFiles } from '../files/user-files.js';
import type { Diagnostics } from '../diagnostics.js';
import { WIRE_KEYS } from '../transparency/wire-keys.js';
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

/** The identity keys optel may add to the resource. */
export const IDENTITY_KEYS: readonly string[] = [WIRE_KEYS.installId, WIRE_KEYS.projectId, WIRE_KEYS.userId];

/**
 * The identifiers of this install, as resource attributes: `optel.install.id`,
 * `optel.project.id`, `optel.user.id`, each when there is one. Created on the
 * first run with telemetry on (never before: this module is loaded only
 * then). The project id is a digest under the stored hash key, which
 * `hashKey` reads or creates (so the key file exists only when something is
 * hashed across runs).
 */
export function loadIdentity(config: IdentityConfig, hashKey: () => Uint8Array, files: UserFiles, diagnostics: Diagnostics): Record<string, string> {
  const attributes: Record<string, string> = {};
  if (config.installId) attributes[WIRE_KEYS.installId] = loadOrCreateInstallId(files.installId, diagnostics);
  let facts: ProjectFacts = {};
  if (config.projectId) {
    try {
      facts = config.project();
    } catch (error) {
      diagnostics.report('could not read the project facts; no project id', error);
    }
  }
  const fact = config.projectId ? projectFact(facts) : undefined;
  if (fact !== undefined) attributes[WIRE_KEYS.projectId] = projectId(fact, hashKey());
  if (config.userId !== undefined) attributes[WIRE_KEYS.userId] = config.userId;
  return attributes;
}
