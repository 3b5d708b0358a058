/** What an app passes to `createTelemetry`. */

/** How a declared attribute leaves the process: as it is, or as a keyed hash. */
export type AttributeTreatment = 'clear' | 'hash';

/** The catalogue: every attribute key that may leave the process. */
export type AttributeCatalogue = Readonly<Record<string, AttributeTreatment>>;

/** A declared key: its treatment, optionally with a description for the generated docs. */
export type AttributeDeclaration = AttributeTreatment | { readonly treatment: AttributeTreatment; readonly description?: string };

/** What an app passes as `attributes`. */
export type AttributeDeclarations = Readonly<Record<string, AttributeDeclaration>>;

export type ConsentMode = 'opt-out' | 'opt-in';

export interface TelemetryOptions {
  /** Becomes `service.name` / `service.version`; the name also names env vars and files. */
  readonly app: { readonly name: string; readonly version?: string };
  /** OTLP/HTTP base URL; spans are posted to `${endpoint}/v1/traces`. HTTPS unless loopback. */
  readonly endpoint: string;
  /** Declared attribute keys; anything else is dropped before export. */
  readonly attributes?: AttributeDeclarations;
  readonly consent?: {
    /** `opt-out` (default): on unless someone says no. `opt-in`: off until someone says yes. */
    readonly default?: ConsentMode;
    /** The app's own say, e.g. from its config file. `false` is a "no" nothing overrides. */
    readonly enabled?: boolean;
  };
  /**
   * The process arguments to look for `--disable-telemetry` in. The flag is
   * removed from this array in place, so the host's parser never sees it.
   */
  readonly argv?: string[];
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
