import { readFileSync } from 'node:fs';
import type { Diagnostics } from '../diagnostics.js';
import { readOrCreate } from '../files/create-once.js';
import { nodeCrypto } from '../node-crypto.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The install id: a random UUID, stored in the user dir (mode 0600) on the
 * first run with telemetry on and sent as `optel.install.id`, so runs of one
 * install can be counted together. It is random, not derived from the
 * machine or the user, and `set(false)` deletes it. If it can't be stored
 * (read-only home), an id for this process only is used.
 */
export function loadOrCreateInstallId(path: string, diagnostics: Diagnostics): string {
  const fresh = (): string => nodeCrypto().randomUUID();
  try {
    return readOrCreate(path, fresh, (text) => UUID.test(text), 0o600);
  } catch (error) {
    diagnostics.report(`could not store the install id at ${path}; using an id for this process only`, error);
    return fresh();
  }
}

/**
 * The stored install id, for `telemetry status` (a user quotes it to ask
 * for deletion), or undefined when there is none. Only reads: a status
 * check never creates an id.
 */
export function readInstallId(path: string): string | undefined {
  try {
    const text = readFileSync(path, 'utf8').trim();
    return UUID.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}
