import type { FlagMode } from '../consent/flags.js';
import { flagModeOf } from '../consent/flags.js';
import type { Diagnostics } from '../diagnostics.js';
import { validateCatalogue } from '../privacy/catalogue.js';
import { DEFAULT_HASH_ALGORITHM, isHashAlgorithm } from '../privacy/hash.js';
import { volunteeredUserId } from '../identity/user-id.js';
import { splitDeclarations } from '../transparency/declarations.js';
import type { PolicyReading } from '../transparency/policy.js';
import { missingPolicyDiagnostic, readPolicy } from '../transparency/policy.js';
import type { ContextChoices } from './context-options.js';
import { contextChoices } from './context-options.js';
import { envPrefix } from './app-name.js';
import { isTruthy } from './env-flag.js';
import type { AttributeCatalogue, HashAlgorithm, TelemetryOptions } from './options.js';
import { DEFAULT_EXIT_DEADLINE_MS } from './options.js';

/** `createTelemetry`'s options, checked once, with the environment's say applied. */
export interface Settings {
  readonly app: { readonly name: string; readonly version?: string };
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The env var prefix derived from the app name (`MY_CLI`). */
  readonly prefix: string;
  /** Where records go: `<APP>_TELEMETRY_ENDPOINT`, else the app's own endpoint. */
  readonly endpoint: string;
  /** The app's own endpoint, for the published document (not a user's override). */
  readonly declaredEndpoint: string;
  readonly allowInsecure: boolean;
  readonly catalogue: AttributeCatalogue;
  readonly descriptions: Readonly<Record<string, string>>;
  readonly hashAlgorithm: HashAlgorithm;
  readonly deadlineMs: number;
  /** `<APP>_TELEMETRY_DEBUG`: print what would be sent, send nothing. */
  readonly debug: boolean;
  /** `<APP>_TELEMETRY_LOG`: the audit log's path. */
  readonly auditLogPath: string | undefined;
  /** Which ids to send: the install id, the project id, and the id a user volunteered, if any. */
  readonly identity: { readonly installId: boolean; readonly projectId: boolean; readonly userId: string | undefined };
  /** Which execution-context facts are sent (detected in the pipeline, only with telemetry on). */
  readonly context: ContextChoices;
  /** `consent.flag`: whether `--disable-telemetry`'s "no" holds for this run or is stored. */
  readonly flagMode: FlagMode;
  /** What the app tells users about the data (its stated answers only), and what it left unstated. */
  readonly policy: PolicyReading;
  /** What `describe()` says about saying no: the flag (with `argv`) and the app's own command. */
  readonly optOut: { readonly flag: boolean; readonly disableCommand?: string };
}

/** The app name used when none is given: telemetry is then off. */
export const NO_APP_NAME = 'app';

/** Reads the options an app passed (from plain JavaScript too: anything missing is a "no", never a crash). */
export function readSettings(options: Partial<TelemetryOptions>): Settings {
  const env = options.env ?? process.env;
  const name = typeof options.app?.name === 'string' && options.app.name.trim() !== '' ? options.app.name.trim() : NO_APP_NAME;
  const prefix = envPrefix(name);
  const declared = splitDeclarations(options.attributes ?? {});
  const algorithm: unknown = options.hash?.algorithm;
  const deadline = options.exitDeadlineMs;
  const declaredEndpoint = String(options.endpoint ?? '');
  const auditLog = env[`${prefix}_TELEMETRY_LOG`];
  return {
    app: options.app?.version === undefined ? { name } : { name, version: String(options.app.version) },
    env,
    prefix,
    endpoint: env[`${prefix}_TELEMETRY_ENDPOINT`] || declaredEndpoint,
    declaredEndpoint,
    allowInsecure: options.allowInsecureEndpoint === true,
    catalogue: declared.catalogue,
    descriptions: declared.descriptions,
    hashAlgorithm: isHashAlgorithm(algorithm) ? algorithm : DEFAULT_HASH_ALGORITHM,
    deadlineMs: typeof deadline === 'number' && Number.isFinite(deadline) && deadline >= 0 ? deadline : DEFAULT_EXIT_DEADLINE_MS,
    debug: isTruthy(env[`${prefix}_TELEMETRY_DEBUG`]),
    auditLogPath: auditLog === undefined || auditLog === '' ? undefined : auditLog,
    identity: {
      installId: options.identity?.installId !== false,
      projectId: options.identity?.projectId !== false,
      userId: volunteeredUserId(env, prefix, options.identity?.userId),
    },
    context: contextChoices(options.context),
    flagMode: flagModeOf(options.consent?.flag),
    policy: readPolicy(options.policy),
    optOut: {
      flag: Array.isArray(options.argv),
      ...(typeof options.consent?.disableCommand === 'string' ? { disableCommand: options.consent.disableCommand } : {}),
    },
  };
}

/** The configuration mistakes an author must hear about once. */
export function warnAboutSettings(options: Partial<TelemetryOptions>, settings: Settings, diagnostics: Diagnostics): void {
  if (settings.app.name === NO_APP_NAME) diagnostics.warnOnce('createTelemetry needs app.name; telemetry is off');
  for (const problem of validateCatalogue(settings.catalogue)) diagnostics.warnOnce(problem);
  const missingPolicy = missingPolicyDiagnostic(settings.policy.missing);
  if (missingPolicy !== undefined) diagnostics.report(missingPolicy);
  const algorithm: unknown = options.hash?.algorithm;
  if (algorithm !== undefined && !isHashAlgorithm(algorithm)) {
    diagnostics.warnOnce(`hash.algorithm "${String(algorithm)}" is not hmac-sha256, sha256 or md5; using hmac-sha256`);
  }
}
