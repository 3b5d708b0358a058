import type { AttributeCatalogue, HashAlgorithm } from '../config/options.js';
import type { Diagnostics } from '../diagnostics.js';
import { nodeCrypto } from '../node-crypto.js';
import type { PrivacyPolicy } from '../privacy/scrub-span.js';
import type { AppInfo } from './resource-attributes.js';
import { loadOrCreateHashKey } from './hash-key.js';
import { localPaths } from './local-paths.js';

export interface InstallKeysConfig {
  readonly app: AppInfo;
  readonly catalogue: AttributeCatalogue;
  readonly hashAlgorithm: HashAlgorithm;
  /**
   * Where the per-install key is stored, worked out when the key is first
   * needed: with telemetry off by an environment switch, the home directory
   * is never looked up.
   */
  readonly hashKeyPath: () => string;
  readonly diagnostics: Diagnostics;
}

/**
 * The one owner of the per-install hash key and of the privacy policy built
 * with it, for optel's own pipeline, `spanProcessor()` and `fingerprint()`
 * alike. Both are made on first use with telemetry on (the key file is
 * created only when something is hashed with it across runs) and forgotten
 * with the user's "no", whose change deletes the file: a later "yes" in the
 * same process starts with a new key, never the deleted one.
 */
export class InstallKeys {
  readonly #config: InstallKeysConfig;
  #hashKey: Uint8Array | undefined;
  #policy: PrivacyPolicy | undefined;

  constructor(config: InstallKeysConfig) {
    this.#config = config;
  }

  /** Whether the key must be stored across runs: a declared `hash` key under HMAC. */
  get storesKey(): boolean {
    return this.#config.hashAlgorithm === 'hmac-sha256' && Object.values(this.#config.catalogue).includes('hash');
  }

  /** The stored per-install key, read or created now. */
  hashKey(): Uint8Array {
    this.#hashKey ??= loadOrCreateHashKey(this.#config.hashKeyPath(), this.#config.diagnostics);
    return this.#hashKey;
  }

  /** What spans are scrubbed with. One object until forgotten (the scrubber caches per policy object). */
  policy(): PrivacyPolicy {
    const { app, catalogue, hashAlgorithm } = this.#config;
    if (this.#policy) return this.#policy;
    const storesKey = this.storesKey;
    const storedKey = (): Uint8Array => this.hashKey();
    let key: Uint8Array | undefined;
    this.#policy = {
      catalogue,
      hashAlgorithm,
      // Taken when something is first digested (then fixed for this policy), so a run that hashes
      // nothing creates no key file and loads no node:crypto. Without a stored key nothing needs
      // digests to repeat across runs: a key for this process only.
      get hashKey(): Uint8Array {
        key ??= storesKey ? storedKey() : nodeCrypto().randomBytes(32);
        return key;
      },
      paths: localPaths(),
      // A user's OTEL_SERVICE_NAME is for their own telemetry, not this app's.
      resourceOverrides: { 'service.name': app.name, ...(app.version === undefined ? {} : { 'service.version': app.version }) },
    };
    return this.#policy;
  }

  /** Drops the key and the policy (the user said no; the key file is deleted by consent). */
  forget(): void {
    this.#hashKey = undefined;
    this.#policy = undefined;
  }
}
