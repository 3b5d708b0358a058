import { existsSync, rmSync } from 'node:fs';
import type { Diagnostics } from '../diagnostics.js';
import { describeError } from '../diagnostics.js';
import type { UserFiles } from './paths.js';
import type { ConsentInputs, ConsentStatus } from './resolve.js';
import { resolveConsent } from './resolve.js';
import { readConsentFile, writeConsentFile } from './user-file.js';

export type ConsentScope = 'user' | 'project';

export interface SetConsentResult {
  readonly ok: boolean;
  readonly scope: ConsentScope;
  /** The file written. */
  readonly path?: string;
  /** Files deleted because the user said no (hash key, pending records). */
  readonly deleted?: readonly string[];
  readonly error?: string;
}

/**
 * `telemetry.consent`: reads every source once (lazily), answers `status()`,
 * and records the user's answer with `set()`. It decides and stores; it
 * knows nothing about spans.
 */
export class Consent {
  readonly #inputs: Omit<ConsentInputs, 'userFile'>;
  readonly #files: UserFiles;
  readonly #diagnostics: Diagnostics;
  readonly #listeners = new Set<(status: ConsentStatus) => void>();
  #status: ConsentStatus | undefined;

  constructor(inputs: Omit<ConsentInputs, 'userFile'>, files: UserFiles, diagnostics: Diagnostics) {
    this.#inputs = inputs;
    this.#files = files;
    this.#diagnostics = diagnostics;
  }

  status(): ConsentStatus {
    if (this.#status === undefined) {
      this.#status = resolveConsent({ ...this.#inputs, userFile: readConsentFile(this.#files.consent) });
    }
    return this.#status;
  }

  /** Cheap check used on the export path, so a "no" given mid-run stops what is not yet sent. */
  isEnabled(): boolean {
    return this.status().enabled;
  }

  /**
   * Records the user's answer. `set(false)` also deletes the per-install hash
   * key and any pending records, so nothing sent before can be linked to
   * what comes after, and nothing queued leaves. Never throws.
   */
  set(enabled: boolean, options: { readonly scope?: ConsentScope } = {}): SetConsentResult {
    const scope = options.scope ?? 'user';
    if (scope !== 'user') {
      return { ok: false, scope, error: `consent scope "${scope}" is not supported yet; use the user scope` };
    }
    const path = this.#files.consent;
    try {
      writeConsentFile(path, enabled);
    } catch (error) {
      this.#diagnostics.report(`could not write ${path}`, error);
      // The answer still holds for this process, even if it can't be stored.
      this.#override(enabled, `${enabled ? 'set(true)' : 'set(false)'} in this process (not stored: ${describeError(error)})`);
      const deleted = enabled ? [] : this.#forget();
      return { ok: false, scope, path, deleted, error: describeError(error) };
    }
    this.#status = undefined;
    const deleted = enabled ? [] : this.#forget();
    this.#notify();
    return { ok: true, scope, path, deleted };
  }

  /** Called with the new status whenever `set()` changes it. */
  onChange(listener: (status: ConsentStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #override(enabled: boolean, source: string): void {
    const base = this.status();
    // A "no" always wins; a "yes" cannot override another source's "no".
    const blocked = enabled ? base.sources.find((s) => s.value === false && !s.source.startsWith('user file')) : undefined;
    this.#status = blocked
      ? { ...base, enabled: false, decidedBy: blocked.source }
      : { ...base, enabled, decidedBy: source };
    this.#notify();
  }

  #forget(): string[] {
    const deleted: string[] = [];
    for (const path of [this.#files.hashKey, this.#files.pendingDir]) {
      if (!existsSync(path)) continue;
      try {
        rmSync(path, { recursive: true, force: true });
        deleted.push(path);
      } catch (error) {
        this.#diagnostics.report(`could not delete ${path}`, error);
      }
    }
    return deleted;
  }

  #notify(): void {
    const status = this.status();
    for (const listener of this.#listeners) {
      try {
        listener(status);
      } catch (error) {
        this.#diagnostics.report('consent listener failed', error);
      }
    }
  }
}
