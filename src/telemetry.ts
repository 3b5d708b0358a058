import type { AsyncLocalStorage } from 'node:async_hooks';
import type { Attributes } from '@opentelemetry/api';
import { checkEndpoint } from './config/endpoint.js';
import type { TelemetryOptions } from './config/options.js';
import type { Settings } from './config/settings.js';
import { readSettings, warnAboutSettings } from './config/settings.js';
import { OPTEL_VERSION } from './config/version.js';
import { Consent } from './consent/consent.js';
import { detectCi } from './consent/ci.js';
import { consentConfig } from './consent/consent-config.js';
import type { Diagnostic } from './diagnostics.js';
import { Diagnostics } from './diagnostics.js';
import type { UserFiles } from './files/user-files.js';
import { userConfigDirOrNone, userFiles } from './files/user-files.js';
import { InstallKeys } from './identity/install-keys.js';
import { LiveCommand } from './lifecycle/live-command.js';
import type { CommandFn } from './lifecycle/run-as.js';
import { currentExitCode, runAs } from './lifecycle/run-as.js';
import { NoopCommandHandle } from './lifecycle/noop-handle.js';
import { runToEnd } from './lifecycle/run-to-end.js';
import { GuardLeases } from './pipeline/guard-leases.js';
import { Session } from './pipeline/session.js';
import { fingerprintOf } from './privacy/fingerprint.js';
import { ConsentSampler } from './sdk/consent-sampler.js';
import { PrivacySpanProcessor } from './sdk/privacy-span-processor.js';
import type { DescribeFormat } from './transparency/describe.js';
import { describeCatalogue, describeInputOf } from './transparency/describe.js';
import { serveTelemetryCommand } from './transparency/serve-telemetry-command.js';
import type { Output } from './transparency/telemetry-command.js';
import type { Sampler, SpanProcessor } from './sdk/sdk-types.js';

export type { CommandFn };

export interface RunOptions {
  /** The top-level command's name. Default: the app's name. */
  readonly name?: string;
  readonly attributes?: Attributes;
}

export function createTelemetry(options: TelemetryOptions): Telemetry {
  return new Telemetry(options);
}

/**
 * One app's telemetry: a facade over consent, the install's keys and, with
 * consent, a session (the command recorder, and the pipeline it feeds,
 * loaded in parallel with the app's first command). Creating it reads
 * consent inputs only. The app's code always runs at once, telemetry on or
 * off. Nothing here throws into app code: internal failures go to
 * `diagnostics()`.
 */
export class Telemetry {
  readonly consent: Consent;
  readonly #settings: Settings;
  readonly #files: UserFiles;
  readonly #diagnostics: Diagnostics;
  readonly #keys: InstallKeys;
  #current: AsyncLocalStorage<LiveCommand> | undefined;
  #session: Session | undefined;
  /** Where records go, once checked (null: the endpoint was refused; reported once). */
  #tracesUrl: URL | null | undefined;
  #fatal: { readonly error: unknown } | undefined;
  #shutDown = false;
  /** Signal and uncaught-error guards, held by `run()` and by commands kept open. */
  readonly #guards = new GuardLeases(() =>
    this.#session?.guardRun((error) => {
      this.#fatal = { error };
    }),
  );

  constructor(given: TelemetryOptions) {
    const options: Partial<TelemetryOptions> = typeof given === 'object' && given !== null ? given : {};
    const settings = readSettings(options);
    this.#settings = settings;
    this.#diagnostics = new Diagnostics(`${settings.app.name} telemetry`, settings.debug);
    warnAboutSettings(options, settings, this.#diagnostics);
    this.#files = userFiles(options.configDir ?? (() => userConfigDirOrNone(settings.app.name, settings.env, (message, error) => this.#diagnostics.report(message, error))));
    this.#keys = new InstallKeys({ ...settings, hashKeyPath: () => this.#files.hashKey, diagnostics: this.#diagnostics });
    const consentSettings = consentConfig(options, settings, this.#files);
    this.consent = new Consent(consentSettings, this.#diagnostics);
    // A "no" ends the session (what is recorded and queued is dropped) and forgets the key and ids,
    // whose files consent deletes: a later "yes" starts afresh.
    this.consent.onChange((status) => {
      if (status.enabled) return;
      this.#session?.discard();
      this.#session = undefined;
      this.#keys.forget();
    });
    // `consent.flag: 'remember'`: the flag's "no" is stored, as `telemetry disable` does.
    if (consentSettings.flagDisabled && settings.flagMode === 'remember') this.consent.set(false);
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
   * scrubbed copy of every ended span, by this app's catalogue (see the
   * README). While telemetry is off, spans are withheld and no file is read
   * or written; the key is loaded at the first span end with telemetry on.
   */
  spanProcessor(next: SpanProcessor): PrivacySpanProcessor {
    // Where telemetry starts for an app with its own SDK, as sampler() is.
    this.consent.showNoticeIfDue();
    return new PrivacySpanProcessor(next, () => (this.consent.isEnabled() ? this.#keys.policy() : undefined), this.#diagnostics);
  }

  /**
   * A keyed digest (16 hex characters) of a canonicalized value, typically a
   * configuration, under this install's key; undefined while telemetry is
   * off (no file is touched then).
   */
  fingerprint(value: unknown): string | undefined {
    try {
      if (!this.consent.isEnabled()) return undefined;
      return fingerprintOf(this.#keys.hashKey(), value);
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
   * Runs `fn` as a command, at once: a span named `name`, a `started` record
   * sent as soon as it can be, and a `completed` record with the outcome when
   * `fn` settles. Returns what `fn` returns; rethrows what it throws, unchanged.
   */
  command<T>(name: string, fn: CommandFn<T>): Promise<T>;
  command<T>(name: string, attributes: Attributes, fn: CommandFn<T>): Promise<T>;
  command<T>(name: string, attributesOrFn: Attributes | CommandFn<T>, maybeFn?: CommandFn<T>): Promise<T> {
    try {
      const fn = typeof attributesOrFn === 'function' ? attributesOrFn : maybeFn;
      const attributes = typeof attributesOrFn === 'function' ? {} : (attributesOrFn ?? {});
      if (typeof fn !== 'function') throw new TypeError('telemetry.command(name, [attributes], fn): fn must be a function');
      if (!this.#shutDown) this.consent.showNoticeIfDue();
      return runAs(this.#startCommand(String(name), attributes), fn, this.#current, () => this.#guards.acquire());
    } catch (error) {
      // Bad arguments reject, as from any async function; they never throw at the caller.
      return Promise.reject(error as Error);
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
    const session = this.#sessionOrNone();
    if (!session) {
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
      const result = await this.command(options.name ?? this.#settings.app.name, options.attributes ?? {}, async (handle) => {
        const value = await main(handle);
        const current = this.#current?.getStore();
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
    const session = this.#session;
    if (!session) return;
    try {
      await session.flush(Date.now() + this.#settings.deadlineMs);
      session.spoolUnsent();
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
  cli(args: readonly string[], outputs: { readonly stdout?: Output; readonly stderr?: Output } = {}): Promise<number> {
    const describe = (format: DescribeFormat): string => this.describe({ format });
    return serveTelemetryCommand(args, outputs, { appName: this.#settings.app.name, consent: this.consent, describe, files: this.#files, policy: this.#settings.policy.policy, diagnostics: this.#diagnostics });
  }

  /**
   * The "what we collect" document, generated from the catalogue the privacy
   * processor enforces: `markdown` (default) for a README, `json` for tools.
   */
  describe(options: { readonly format?: DescribeFormat } = {}): string {
    return describeCatalogue(describeInputOf(this.#settings), options.format === 'json' ? 'json' : 'markdown');
  }

  /**
   * Counters of the export queue: spans the collector accepted, spans
   * dropped (queue full at 2048, or refused for good by the collector), and
   * spans waiting. All zero while telemetry is off.
   */
  stats(): { readonly sent: number; readonly dropped: number; readonly pending: number } {
    return this.#session?.stats() ?? { sent: 0, dropped: 0, pending: 0 };
  }

  /** optel's own failures (collector unreachable, unwritable files, ...), newest last. */
  diagnostics(): readonly Diagnostic[] {
    return this.#diagnostics.list();
  }

  /** A recorded command, or undefined with telemetry off (or if it can't start; reported): the app's code runs either way. */
  #startCommand(name: string, attributes: Attributes): LiveCommand | undefined {
    try {
      const session = this.#sessionOrNone();
      if (!session) return undefined;
      this.#current ??= new (process.getBuiltinModule('node:async_hooks').AsyncLocalStorage)();
      return LiveCommand.start(session.recorder, name, attributes, this.#current.getStore());
    } catch (error) {
      this.#diagnostics.report('could not start a command', error);
      return undefined;
    }
  }

  /** The session while consent says yes: made at the first command, its pipeline loading in parallel. */
  #sessionOrNone(): Session | undefined {
    if (this.#shutDown || this.#tracesUrl === null || !this.consent.isEnabled()) return undefined;
    if (this.#tracesUrl === undefined) {
      const endpoint = checkEndpoint(this.#settings.endpoint, this.#settings.allowInsecure);
      if (!endpoint.ok) this.#diagnostics.warnOnce(endpoint.reason);
      this.#tracesUrl = endpoint.ok ? endpoint.tracesUrl : null;
      if (this.#tracesUrl === null) return undefined;
    }
    this.#session ??= new Session({
      ...this.#settings,
      keys: this.#keys,
      sdkVersion: OPTEL_VERSION,
      tracesUrl: this.#tracesUrl,
      files: this.#files,
      diagnostics: this.#diagnostics,
      consentGiven: () => this.consent.isEnabled(),
      identity: { ...this.#settings.identity, project: () => this.consent.project() },
      ci: () => detectCi(this.#settings.env),
      fatalError: () => this.#fatal,
    });
    return this.#session;
  }
}
