/** What an app passes to `createTelemetry`. */

/** How a declared attribute leaves the process: as it is, or as a keyed hash. */
export type AttributeTreatment = 'clear' | 'hash';

/** The catalogue: every attribute key that may leave the process. */
export type AttributeCatalogue = Readonly<Record<string, AttributeTreatment>>;

/**
 * The shape a `clear` value must have to leave as it is; a value of any
 * other shape leaves as `[other]`. A value passes when it is one of
 * `values`, or (when `pattern` or `maxLength` is given) when it is at most
 * `maxLength` characters long and `pattern` matches all of it. Values that
 * pass by `pattern` or `maxLength` are still scrubbed; values from `values`
 * leave exactly as declared.
 */
export interface ValueShape {
  /** The only values that may leave (`['build', 'deploy']`). */
  readonly values?: readonly (string | number | boolean)[];
  /**
   * What the whole value must match: a RegExp, or its source as a string.
   * It is anchored at both ends for you. Back-references and repeated
   * groups that hold `*`, `+` or `{n,}` are refused (they can take time
   * exponential in the value); the key then leaves as `[other]`.
   */
  readonly pattern?: RegExp | string;
  /** The longest value, in UTF-16 code units; default 256 when `pattern` is given. */
  readonly maxLength?: number;
}

/** A declared key: its treatment, optionally with a description for the generated docs and, for `clear` keys, the shape of its values. */
export type AttributeDeclaration = AttributeTreatment | ({ readonly treatment: AttributeTreatment; readonly description?: string } & ValueShape);

/** What an app passes as `attributes`. */
export type AttributeDeclarations = Readonly<Record<string, AttributeDeclaration>>;

export type ConsentMode = 'opt-out' | 'opt-in';

/**
 * How `hash` keys are digested. `hmac-sha256` (the default) is keyed with a
 * per-install random key; `sha256` and `md5` are unkeyed, for compatibility
 * with digests other tools already send, and can be reversed by hashing a
 * dictionary of likely values.
 */
export type HashAlgorithm = 'hmac-sha256' | 'sha256' | 'md5';

/**
 * What the app tells its users about the data, in its own words: the six
 * questions a telemetry feature should answer before it ships. Each is one
 * or two plain sentences; `describe()`, the first-run notice and
 * `telemetry status` carry them. A field left out is reported once as a
 * diagnostic and shown as "not stated".
 */
export interface DataPolicy {
  /** Why the app collects, e.g. `to learn which commands fail, to fix those first`. */
  readonly purpose?: string;
  /** How long records are kept, e.g. `90 days, then only monthly counts`. */
  readonly retention?: string;
  /** Who can see the records, e.g. `the acme maintainers`. */
  readonly access?: string;
  /** Whether and what is published, e.g. `never the records; yearly command counts`. */
  readonly published?: string;
  /** How to reach the maintainers, e.g. an email address or an issue tracker URL. */
  readonly contact?: string;
  /** How to ask for deletion, e.g. `email privacy@acme.example with your install id`. */
  readonly deletion?: string;
}

export interface TelemetryOptions {
  /** Becomes `service.name` / `service.version`; the name also names env vars and files. */
  readonly app: { readonly name: string; readonly version?: string };
  /** OTLP/HTTP base URL; spans are posted to `${endpoint}/v1/traces`. HTTPS unless loopback. */
  readonly endpoint: string;
  /** Declared attribute keys; anything else is dropped before export. */
  readonly attributes?: AttributeDeclarations;
  /** How `hash` keys leave. Default `{ algorithm: 'hmac-sha256' }`. */
  readonly hash?: { readonly algorithm?: HashAlgorithm };
  readonly consent?: {
    /** `opt-out` (default): on unless someone says no. `opt-in`: off until someone says yes. */
    readonly default?: ConsentMode;
    /**
     * The app's own say, e.g. from a setting the user chose. `false` is a "no"
     * nothing overrides; `true` counts as the user's informed yes (no
     * first-run notice), so pass it only for a yes the user gave.
     */
    readonly enabled?: boolean;
    /**
     * Bump it when what the app collects changes: the first-run notice is
     * shown again (and that run sends nothing), and `ask()` asks again.
     * Default `1`.
     */
    readonly version?: string | number;
    /** In CI: `'off'` (default; nobody there saw a notice) or `'on'` (the usual sources decide). Never prompts in CI. */
    readonly ci?: 'on' | 'off';
    /** Where the app documents what it collects; shown in the notice and the prompt. */
    readonly docs?: string;
    /** The app's command that turns telemetry off (e.g. `acme telemetry disable`), shown in the notice. */
    readonly disableCommand?: string;
    /**
     * What `--disable-telemetry` does: `'this-run'` (default) turns telemetry
     * off for that run only; `'remember'` also stores the user's "no" (as
     * `telemetry disable` does), so it stays off until they say yes.
     */
    readonly flag?: 'this-run' | 'remember';
  };
  /** What the app tells users about the data: why, how long, who sees it, published, contact, deletion. */
  readonly policy?: DataPolicy;
  /** Identifiers sent with every record (the resource); see the README's Identity section. */
  readonly identity?: {
    /** An id the user chose to give (e.g. from the app's settings); `<APP>_TELEMETRY_USER_ID` wins. Sent as `optel.user.id`. */
    readonly userId?: string;
    /** Send a random per-install id as `optel.install.id`. Default true. */
    readonly installId?: boolean;
    /** Send a keyed hash of the git remote (or the project file's `projectId`) as `optel.project.id`. Default true. */
    readonly projectId?: boolean;
  };
  /**
   * The process arguments to look for `--disable-telemetry` in. The flag is
   * removed from this array in place, so the host's parser never sees it.
   */
  readonly argv?: string[];
  /**
   * Execution-context facts sent with every record, each on by default; pass
   * `false` to leave one out. See the README's "Execution context".
   */
  readonly context?: ContextOptions;
  /** Upper bound on everything telemetry does after the app's work ends. Default 500 ms. */
  readonly exitDeadlineMs?: number;
  /** Allow plain `http://` to a non-loopback host (e.g. inside a private network). Default false. */
  readonly allowInsecureEndpoint?: boolean;
  /** Where user-scope files live. Default `$XDG_CONFIG_HOME/<app>` (or `~/.config/<app>`). */
  readonly configDir?: string;
  /** The environment to read. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export const DEFAULT_EXIT_DEADLINE_MS = 500;

/** Which execution-context facts to send (`context` option); each defaults to true. */
export interface ContextOptions {
  /** `optel.host.cpus`: the number of logical CPUs, rounded down to a power of two, at most 64. */
  readonly cpuCount?: boolean;
  /** `optel.container`: whether it runs in a container (Docker, Podman, ...). */
  readonly container?: boolean;
  /** `optel.kubernetes`: whether it runs in a Kubernetes pod. */
  readonly kubernetes?: boolean;
  /** `optel.wsl`: whether it runs in the Windows Subsystem for Linux. */
  readonly wsl?: boolean;
  /** `optel.dev_environment`: `codespaces`, `gitpod` or `devcontainer`, when one is detected. */
  readonly devEnvironment?: boolean;
  /** `cloud.provider`: `aws`, `gcp` or `azure`, when the environment names one. */
  readonly cloud?: boolean;
  /** `optel.runner`: `airflow` or `jupyter`, when it runs under one. */
  readonly runner?: boolean;
}
