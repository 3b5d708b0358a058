import { AsyncLocalStorage } from 'node:async_hooks';
import type { Attributes } from '@opentelemetry/api';
import type { Sampler, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { dirName, envPrefix } from './config/app-name.js';
import { Consent } from './consent/consent.js';
import type { FlagMode } from './consent/flags.js';
import { flagModeOf, takeDisableFlag } from './consent/flags.js';
import { isTelemetrySubcommandRun } from './consent/subcommand-run.js';
import { versionString } from './files/json-file.js';
import type { UserFiles } from './files/user-files.js';
import { projectFileName, unusableConfigDir, userConfigDir, userFiles } from './files/user-files.js';
import { DEFAULT_CONSENT_VERSION } from './consent/resolve.js';
import { ConsentSampler } from './sdk/consent-sampler.js';
import { loadOrCreateHashKey } from './identity/hash-key.js';
import { localPaths } from './identity/local-paths.js';
import { volunteeredUserId } from './identity/user-id.js';
import type { Diagnostic } from './diagnostics.js';
import { Diagnostics } from './diagnostics.js';
import { isTruthy } from './config/env-flag.js';
import { checkEndpoint } from './config/endpoint.js';
import type { Pipeline } from './pipeline/pipeline.js';
import type { CommandHandle } from './lifecycle/handle.js';
import type { LiveCommand } from './lifecycle/live-command.js';
import { NoopCommandHandle } from './lifecycle/noop-handle.js';
import { runToEnd } from './lifecycle/run-to-end.js';
import { GuardLeases } from './pipeline/guard-leases.js';
import { nodeCrypto } from './node-crypto.js';
import type { AttributeCatalogue, DataPolicy, HashAlgorithm, TelemetryOptions } from './config/options.js';
import { DEFAULT_EXIT_DEADLINE_MS } from './config/options.js';
import { validateCatalogue } from './privacy/catalogue.js';
import { fingerprintOf } from './privacy/fingerprint.js';
import { DEFAULT_HASH_ALGORITHM, describeHashing, isHashAlgorithm } from './privacy/hash.js';
import { PrivacySpanProcessor } from './sdk/privacy-span-processor.js';
import type { PrivacyPolicy } from './privacy/scrub-span.js';
import type { DescribeFormat } from './transparency/describe.js';
import { describeCatalogue } from './transparency/describe.js';
import { splitDeclarations } from './transparency/declarations.js';
import { missingPolicyDiagnostic, readPolicy } from './transparency/policy.js';
import type { Output } from './transparency/telemetry-command.js';
import { OPTEL_VERSION } from './config/version.js';
import type { ContextChoices } from './config/context-options.js';
import { contextChoices } from './config/context-options.js';
import { isPromiseLike } from './lifecycle/kept-open.js';

export type CommandFn<T> = (command: CommandHandle) => T | Promise<T>;

export interface RunOptions {
  /** The top-level command's name. Default: the app's name. */
  readonly name?: string;
  readonly attributes?: Attributes;
}

export function createTelemetry(options: TelemetryOptions): Telemetry {
  return new Telemetry(options);
}

/**
 * One app's telemetry. Creating it reads consent inputs only; the
 * OpenTelemetry pipeline is loaded on the first command, and only with
 * consent. Nothing here throws into app code: internal failures go to
 * `diagnostics()`.
 */
export class Telemetry {
  readonly consent: Consent;
  readonly #app: { readonly name: string; readonly version?: string };
  readonly #endpoint: string;
  /** The app's own endpoint, for the published document (not a user's override). */
  readonly #declaredEndpoint: string;
  readonly #allowInsecure: boolean;
  readonly #catalogue: AttributeCatalogue;
  readonly #hashAlgorithm: HashAlgorithm;
  /** The stored per-install key, read (or created) on first use with telemetry on. */
  #hashKey: Uint8Array | undefined;
  /** What `spanProcessor()` scrubs with, built at the first span end with telemetry on. */
  #privacy: PrivacyPolicy | undefined;
  readonly #descriptions: Readonly<Record<string, string>>;
  readonly #flagMode: FlagMode;
  /** Which execution-context facts are sent (detected in the pipeline, only with telemetry on). */
  readonly #context: ContextChoices;
  readonly #deadlineMs: number;
  readonly #files: UserFiles;
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #prefix: string;
  readonly #diagnostics: Diagnostics;
  readonly #current = new AsyncLocalStorage<LiveCommand>();
  readonly #identity: { readonly installId: boolean; readonly projectId: boolean; readonly userId: string | undefined };
  /** What the app tells users about the data (its stated answers only). */
  readonly #dataPolicy: DataPolicy;
  /** What `describe()` says about saying no: the flag (with `argv`) and the app's own command. */
  readonly #optOut: { readonly flag: boolean; readonly disableCommand?: string };
  #pipeline: Promise<Pipeline | undefined> | undefined;
  /** The pipeline once loaded, for synchronous reads (`stats()`). */
  #loadedPipeline: Pipeline | undefined;
  #fatal: { readonly error: unknown } | undefined;
  #shutDown = false;
  /** Signal and uncaught-error guards, held by `run()` and by commands kept open. */
  readonly #guards = new GuardLeases(() =>
    this.#loadedPipeline?.guardRun((error) => {
      this.#fatal = { error };
    }),
  );

  constructor(given: TelemetryOptions) {
    // Called from plain JavaScript too: a missing options object is a "no", not a crash.
    const options: Partial<TelemetryOptions> = typeof given === 'object' && given !== null ? given : {};
    const env = options.env ?? process.env;
    const name = typeof options.app?.name === 'string' && options.app.name.trim() !== '' ? options.app.name.trim() : 'app';
    this.#app = options.app?.version === undefined ? { name } : { name, version: String(options.app.version) };
    this.#env = env;
    this.#prefix = envPrefix(name);
    this.#diagnostics = new Diagnostics(`${name} telemetry`, isTruthy(env[`${this.#prefix}_TELEMETRY_DEBUG`]));
    if (name === 'app') this.#diagnostics.warnOnce('createTelemetry needs app.name; telemetry is off');
    this.#declaredEndpoint = String(options.endpoint ?? '');
    this.#endpoint = env[`${this.#prefix}_TELEMETRY_ENDPOINT`] || this.#declaredEndpoint;
    this.#allowInsecure = options.allowInsecureEndpoint === true;
    const declared = splitDeclarations(options.attributes ?? {});
    this.#catalogue = declared.catalogue;
    this.#descriptions = declared.descriptions;
    for (const problem of validateCatalogue(this.#catalogue)) this.#diagnostics.warnOnce(problem);
    const algorithm: unknown = options.hash?.algorithm;
    if (algorithm !== undefined && !isHashAlgorithm(algorithm)) {
      this.#diagnostics.warnOnce(`hash.algorithm "${String(algorithm)}" is not hmac-sha256, sha256 or md5; using hmac-sha256`);
    }
    this.#hashAlgorithm = isHashAlgorithm(algorithm) ? algorithm : DEFAULT_HASH_ALGORITHM;
    const deadline = options.exitDeadlineMs;
    this.#deadlineMs = typeof deadline === 'number' && Number.isFinite(deadline) && deadline >= 0 ? deadline : DEFAULT_EXIT_DEADLINE_MS;
    this.#files = userFiles(options.configDir ?? (() => this.#userConfigDir(name, env)));
    const flagDisabled = Array.isArray(options.argv) ? takeDisableFlag(options.argv) : false;
    const subcommandRun = Array.isArray(options.argv) && isTelemetrySubcommandRun(options.argv);
    const consent = options.consent ?? {};
    this.#flagMode = flagModeOf(consent.flag);
    this.#context = contextChoices(options.context);
    const policy = readPolicy(options.policy);
    this.#dataPolicy = policy.policy;
    const missingPolicy = missingPolicyDiagnostic(policy.missing);
    if (missingPolicy !== undefined) this.#diagnostics.report(missingPolicy);
    this.#optOut = {
      flag: Array.isArray(options.argv),
      ...(typeof consent.disableCommand === 'string' ? { disableCommand: consent.disableCommand } : {}),
    };
    const userId = volunteeredUserId(env, this.#prefix, options.identity?.userId);
    this.#identity = { installId: options.identity?.installId !== false, projectId: options.identity?.projectId !== false, userId };
    this.consent = new Consent(
      {
        mode: consent.default === 'opt-in' ? 'opt-in' : 'opt-out',
        envPrefix: this.#prefix,
        env,
        codeEnabled: name === 'app' ? false : typeof consent.enabled === 'boolean' ? consent.enabled : undefined,
        codeEnabledFixed: name === 'app',
        flagDisabled,
        ciPolicy: consent.ci === 'on' ? 'on' : 'off',
        version: versionString(consent.version) ?? DEFAULT_CONSENT_VERSION,
        files: this.#files,
        // (Worked out when a project file is first looked for: never with telemetry off by env.)
        get projectFileName() {
          return projectFileName(name);
        },
        userId,
        subcommandRun,
        notice: {
          appName: name,
          envPrefix: this.#prefix,
          keys: Object.entries(this.#catalogue).map(([key, treatment]) => ({ key, hashed: treatment === 'hash' })),
          installId: this.#identity.installId,
          flag: Array.isArray(options.argv),
          flagRemembered: this.#flagMode === 'remember',
          context: Object.values(this.#context).some(Boolean),
          ...(typeof consent.disableCommand === 'string' ? { disableCommand: consent.disableCommand } : {}),
          ...(typeof consent.docs === 'string' ? { docs: consent.docs } : {}),
          policy: this.#dataPolicy,
        },
      },
      this.#diagnostics,
    );
    // A "no" drops what is queued, and forgets the key (its file is deleted) so a later "yes" starts afresh.
    this.consent.onChange((status) => {
      if (status.enabled) return;
      void this.#pipeline?.then((pipeline) => pipeline?.discard());
      this.#hashKey = undefined;
      this.#privacy = undefined;
    });
    // `consent.flag: 'remember'`: the flag's "no" is stored, as `telemetry disable` does.
    if (flagDisabled && this.#flagMode === 'remember') this.consent.set(false);
  }

  /**
   * A sampler for an app's own OpenTelemetry SDK: `NOT_RECORD` while consent
   * is off, otherwise `delegate`'s decision (default: record and sample).
   * Creating it is where telemetry starts for such an app, so the first-run
   * notice is shown here when it is due.
   */
  sampler(delegate?: Sampler): ConsentSampler {
    this.consent.showNoticeIfDue();
    return new ConsentSampler(this.consent, delegate);
  }

  /**
   * A span processor for an app's own OpenTelemetry SDK that hands `next` a
   * scrubbed copy of every ended span, by this app's catalogue: undeclared
   * keys dropped, `hash` keys digested with this install's key, clear values
   * scrubbed, the resource reduced to non-identifying keys (with this app's
   * service name and version). While telemetry is off, spans are withheld
   * and no file is read or written; the key is loaded at the first span end
   * with telemetry on.
   */
  spanProcessor(next: SpanProcessor): PrivacySpanProcessor {
    // Where telemetry starts for an app with its own SDK, as sampler() is.
    this.consent.showNoticeIfDue();
    return new PrivacySpanProcessor(next, () => this.#privacyPolicy(), this.#diagnostics);
  }

  /**
   * A keyed digest (16 hex characters) of a canonicalized value, typically a
   * configuration: object keys sorted, arrays in order. Report it as a
   * `clear` attribute to see that a configuration changed without sending
   * it. Uses this install's key (HMAC-SHA256, whatever `hash.algorithm`
   * says), so equal values give equal digests on this machine only. While
   * telemetry is off it returns undefined and touches no file.
   */
  fingerprint(value: unknown): string | undefined {
    try {
      if (!this.consent.isEnabled()) return undefined;
      return fingerprintOf(this.#storedHashKey(), value);
    } catch (error) {
      this.#diagnostics.report('could not fingerprint a value', error);
      return undefined;
    }
  }

  /** The files optel may use for this app (user scope). */
  get files(): UserFiles {
    return this.#files;
  }

  /**
   * Runs `fn` as a command: a span named `name`, a `started` record sent at
   * once, and a `completed` record with the outcome when `fn` settles.
   * Returns what `fn` returns; rethrows what it throws, unchanged.
   */
  command<T>(name: string, fn: CommandFn<T>): Promise<T>;
  command<T>(name: string, attributes: Attributes, fn: CommandFn<T>): Promise<T>;
  command<T>(name: string, attributesOrFn: Attributes | CommandFn<T>, maybeFn?: CommandFn<T>): Promise<T> {
    try {
      const fn = typeof attributesOrFn === 'function' ? attributesOrFn : maybeFn;
      const attributes = typeof attributesOrFn === 'function' ? {} : (attributesOrFn ?? {});
      if (typeof fn !== 'function') throw new TypeError('telemetry.command(name, [attributes], fn): fn must be a function');
      if (!this.#shutDown) this.consent.showNoticeIfDue();
      const label = String(name);
      // Once the pipeline is loaded, a command starts at once, without waiting a turn.
      const loaded = this.#loadedPipeline;
      if (loaded !== undefined) return this.#runAs(this.#startOn(loaded, label, attributes), fn);
      return this.#pipelineOrNone().then((pipeline) => this.#runAs(pipeline && this.#startOn(pipeline, label, attributes), fn));
    } catch (error) {
      // Bad arguments reject, as from any async function; they never throw at the caller.
      return Promise.reject(error as Error);
    }
  }

  async #runAs<T>(command: LiveCommand | undefined, fn: CommandFn<T>): Promise<T> {
    if (!command) {
      const handle = new NoopCommandHandle();
      return runToEnd(() => fn(handle), handle.keptOpen);
    }
    try {
      const ran = runToEnd(() => this.#current.run(command, fn, command.handle), command.keptOpen, () => this.#guards.acquire());
      // A synchronous body ends the command now; only a promise is waited for.
      const result = isPromiseLike(ran) ? await ran : ran;
      command.finish({});
      return result;
    } catch (error) {
      command.finish({ error });
      throw error;
    }
  }

  /**
   * Wraps an app's entrypoint as its top-level command: a number `main`
   * returns becomes `process.exitCode`; uncaught errors end it as
   * `failure`; everything is flushed within the exit deadline, and the
   * process then ends as it would have without optel. SIGINT/SIGTERM are
   * not held (see pipeline/run-guards.ts): the command cut short is sent as
   * `aborted` now if the app handles the signal, else by the next run.
   */
  async run<T>(main: CommandFn<T>, options: RunOptions = {}): Promise<T> {
    const pipeline = await this.#loadPipeline();
    if (!pipeline) {
      try {
        const handle = new NoopCommandHandle();
        const result = await runToEnd(() => main(handle), handle.keptOpen);
        if (typeof result === 'number') process.exitCode = result;
        return result;
      } finally {
        // A run without commands (e.g. `telemetry status`) gets the first-run
        // notice after its own output; a run that stored an answer gets none.
        this.consent.showNoticeIfDue();
      }
    }
    const releaseGuards = this.#guards.acquire();
    try {
      const result = await this.command(options.name ?? this.#app.name, options.attributes ?? {}, async (handle) => {
        const value = await main(handle);
        const current = this.#current.getStore();
        if (current) current.exitCode = typeof value === 'number' ? value : currentExitCode();
        return value;
      });
      if (typeof result === 'number') process.exitCode = result;
      return result;
    } finally {
      releaseGuards();
      await this.shutdown();
    }
  }

  /**
   * Sends what is pending, within the exit deadline, and stops: later
   * commands run without telemetry. What could not be sent in time is kept
   * for the next run. Never rejects.
   */
  async shutdown(): Promise<void> {
    if (this.#shutDown) return;
    this.#shutDown = true;
    this.consent.showNoticeIfDue();
    const pipeline = await this.#pipeline;
    if (!pipeline) return;
    try {
      await pipeline.flush(Date.now() + this.#deadlineMs);
      pipeline.spoolUnsent();
    } catch (error) {
      this.#diagnostics.report('shutdown failed', error);
    }
  }

  /**
   * Serves a host CLI's `telemetry` subcommand: `status [--json]`,
   * `enable [--project]`, `disable [--project]`, `reset`, `describe [--json]`,
   * `help`. Prints to stdout/stderr (or the given outputs) and resolves with
   * an exit code; never throws, never exits the process. The run that calls
   * it sends nothing more: it is the subcommand's run.
   */
  async cli(args: readonly string[], outputs: { readonly stdout?: Output; readonly stderr?: Output } = {}): Promise<number> {
    const stdout = outputs.stdout ?? process.stdout;
    const stderr = outputs.stderr ?? process.stderr;
    // Before anything else (the import below yields): this run sends nothing about itself.
    this.consent.markSubcommandRun();
    try {
      // Loaded here: most runs of an app are not its `telemetry` subcommand.
      const { runTelemetryCommand } = await import('./transparency/telemetry-command.js');
      return runTelemetryCommand(Array.isArray(args) ? args.map(String) : [], {
        appName: this.#app.name,
        consent: this.consent,
        describe: (format) => this.describe({ format }),
        files: { ...this.#files },
        policy: this.#dataPolicy,
        stdout,
        stderr,
      });
    } catch (error) {
      this.#diagnostics.report('telemetry command failed', error);
      stderr.write(`${this.#app.name} telemetry: internal error; see the debug output\n`);
      return 1;
    }
  }

  /**
   * The "what we collect" document, generated from the catalogue the privacy
   * processor enforces: `markdown` (default) for a README, `json` for tools.
   */
  describe(options: { readonly format?: DescribeFormat } = {}): string {
    return describeCatalogue(
      {
        app: this.#app,
        endpoint: this.#declaredEndpoint,
        catalogue: this.#catalogue,
        descriptions: this.#descriptions,
        envPrefix: this.#prefix,
        hashing: describeHashing(this.#hashAlgorithm),
        hashAlgorithm: this.#hashAlgorithm,
        identity: { installId: this.#identity.installId, projectId: this.#identity.projectId },
        userDirName: dirName(this.#app.name),
        flagMode: this.#flagMode,
        context: this.#context,
        ...this.#optOut,
        policy: this.#dataPolicy,
      },
      options.format === 'json' ? 'json' : 'markdown',
    );
  }

  /**
   * Counters of the export queue: spans the collector accepted, spans
   * dropped (queue full at 2048, or refused for good by the collector), and
   * spans waiting. All zero while telemetry is off.
   */
  stats(): { readonly sent: number; readonly dropped: number; readonly pending: number } {
    const pipeline = this.#loadedPipeline;
    return pipeline ? { sent: pipeline.sent, dropped: pipeline.dropped, pending: pipeline.pending } : { sent: 0, dropped: 0, pending: 0 };
  }

  /** optel's own failures (collector unreachable, unwritable files, ...), newest last. */
  diagnostics(): readonly Diagnostic[] {
    return this.#diagnostics.list();
  }

  #userConfigDir(name: string, env: Readonly<Record<string, string | undefined>>): string {
    try {
      return userConfigDir(name, env);
    } catch (error) {
      // os.homedir() throws when there is no home directory at all.
      this.#diagnostics.report('no user config directory; nothing is stored and opt-out mode sends nothing', error);
      return unusableConfigDir(name);
    }
  }

  /** The pipeline, or undefined if it can't be loaded (reported): the app's command runs either way. */
  #pipelineOrNone(): Promise<Pipeline | undefined> {
    try {
      return this.#loadPipeline();
    } catch (error) {
      this.#diagnostics.report('could not start a command', error);
      return Promise.resolve(undefined);
    }
  }

  #startOn(pipeline: Pipeline, name: string, attributes: Attributes): LiveCommand | undefined {
    try {
      if (!this.consent.isEnabled()) return undefined;
      return pipeline.startCommand(name, attributes, this.#current.getStore());
    } catch (error) {
      this.#diagnostics.report('could not start a command', error);
      return undefined;
    }
  }

  #privacyPolicy(): PrivacyPolicy | undefined {
    if (!this.consent.isEnabled()) return undefined;
    if (!this.#privacy) {
      const storedKey = this.#hashAlgorithm === 'hmac-sha256' && Object.values(this.#catalogue).includes('hash');
      this.#privacy = {
        catalogue: this.#catalogue,
        hashAlgorithm: this.#hashAlgorithm,
        hashKey: storedKey ? this.#storedHashKey() : nodeCrypto().randomBytes(32),
        paths: localPaths(),
        // A user's OTEL_SERVICE_NAME is for their own telemetry, not this app's.
        resourceOverrides: {
          'service.name': this.#app.name,
          ...(this.#app.version === undefined ? {} : { 'service.version': this.#app.version }),
        },
      };
    }
    return this.#privacy;
  }

  #storedHashKey(): Uint8Array {
    this.#hashKey ??= loadOrCreateHashKey(this.#files.hashKey, this.#diagnostics);
    return this.#hashKey;
  }

  #loadPipeline(): Promise<Pipeline | undefined> {
    if (this.#pipeline) return this.#pipeline;
    if (this.#shutDown || !this.consent.isEnabled()) return Promise.resolve(undefined);
    const endpoint = checkEndpoint(this.#endpoint, this.#allowInsecure);
    if (!endpoint.ok) {
      this.#diagnostics.warnOnce(endpoint.reason);
      this.#pipeline = Promise.resolve(undefined);
      return this.#pipeline;
    }
    const auditLog = this.#env[`${this.#prefix}_TELEMETRY_LOG`];
    this.#pipeline = import('./pipeline/pipeline.js')
      .then(({ createPipeline }) => {
        const pipeline = createPipeline({
          app: this.#app,
          sdkVersion: OPTEL_VERSION,
          context: this.#context,
          tracesUrl: endpoint.tracesUrl,
          catalogue: this.#catalogue,
          hashAlgorithm: this.#hashAlgorithm,
          files: this.#files,
          diagnostics: this.#diagnostics,
          consentGiven: () => this.consent.isEnabled(),
          identity: { ...this.#identity, project: () => this.consent.project() },
          debug: isTruthy(this.#env[`${this.#prefix}_TELEMETRY_DEBUG`]),
          auditLogPath: auditLog === undefined || auditLog === '' ? undefined : auditLog,
          deadlineMs: this.#deadlineMs,
          fatalError: () => this.#fatal,
        });
        this.#loadedPipeline = pipeline;
        return pipeline;
      })
      .catch((error: unknown) => {
        this.#diagnostics.report('could not load the telemetry pipeline', error);
        return undefined;
      });
    return this.#pipeline;
  }
}


function currentExitCode(): number {
  const code = process.exitCode;
  if (typeof code === 'number') return code;
  if (typeof code === 'string' && /^\d+$/.test(code)) return Number(code);
  return 0;
}
