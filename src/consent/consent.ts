// A namespace import: both builds load it at first use (see build/lazy-builtins-cjs.ts).
import { nodeFs, nodeOs } from '../builtins.js';
import type { Diagnostics } from '../diagnostics.js';
import { describeError } from '../diagnostics.js';
import type { ConsentMode } from '../config/options.js';
import type { CiPolicy } from './ci.js';
import { detectCi } from './ci.js';
import type { NoticeContent } from './notice.js';
import { noticeText, promptText } from './notice.js';
import { readNoticeShownVersion, writeNoticeShown } from './notice-file.js';
import type { UserFiles } from '../files/user-files.js';
import type { ProjectDiscovery } from './project-file.js';
import { discoverProject, writeProjectFile } from './project-file.js';
import type { ConsentStatus } from './resolve.js';
import { DEFAULT_CONSENT_VERSION, resolveConsent, saysNoWithoutLookups } from './resolve.js';
import { readConsentFile, writeConsentFile } from './user-file.js';

export type ConsentScope = 'user' | 'project';

export interface SetConsentResult {
  readonly ok: boolean;
  readonly scope: ConsentScope;
  /** The file written. */
  readonly path?: string;
  /** Files deleted because the answer was no (hash key, install id, pending records). */
  readonly deleted?: readonly string[];
  /** Files that a no should have deleted but could not be, each with the reason. */
  readonly notDeleted?: readonly string[];
  readonly error?: string;
}

export interface ResetResult {
  /** Files deleted: the answer, the notice record, the install id, the hash key, pending records. */
  readonly deleted: readonly string[];
  readonly failed: readonly { readonly path: string; readonly error: string }[];
}

export interface AskOptions {
  /** How long to wait for an answer; no answer in time counts as no and is not stored. Default 30 s. */
  readonly timeoutMs?: number;
}

/** What `Consent` needs from the app's options. */
export interface ConsentConfig {
  readonly mode: ConsentMode;
  readonly envPrefix: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly codeEnabled: boolean | undefined;
  /** The app's say can't be changed with `update()` (no app name: telemetry stays off). */
  readonly codeEnabledFixed?: boolean;
  readonly flagDisabled: boolean;
  readonly ciPolicy: CiPolicy;
  readonly version: string;
  readonly files: UserFiles;
  readonly projectFileName: string;
  readonly userId: string | undefined;
  readonly notice: NoticeContent;
  /** This run is the app's `telemetry` subcommand (from `argv`): it sends nothing about itself. */
  readonly subcommandRun?: boolean;
  /** Whether stderr is a terminal, where a notice can be seen. Default: `process.stderr.isTTY`. */
  readonly stderrIsTerminal?: () => boolean;
}

/**
 * `telemetry.consent`: reads every source once (lazily), answers `status()`,
 * records answers with `set()` and `ask()`, and shows the first-run notice.
 * It decides and stores; it knows nothing about spans. Nothing here throws
 * into app code, and nothing is written unless an answer is given or the
 * notice is shown.
 */
export class Consent {
  readonly #config: ConsentConfig;
  readonly #diagnostics: Diagnostics;
  readonly #listeners = new Set<(status: ConsentStatus) => void>();
  #status: ConsentStatus | undefined;
  #project: ProjectDiscovery | undefined;
  /** An answer that holds for this process only: it could not be stored, or `ask()` went unanswered. */
  #session: { readonly enabled: boolean; readonly source: string } | undefined;
  /** The app's own say: `consent.enabled`, then what `update()` last gave. */
  #codeEnabled: boolean | undefined;
  /** Set once this process showed (or tried to show) the notice: this run stays the notice run. */
  #noticeRun: { readonly problem?: string; readonly unseen?: true } | undefined;
  /** This run is the `telemetry` subcommand: whatever the answer, this process sends nothing. */
  #subcommandRun: boolean;
  /** What the last "no" could not delete, and why (told to the caller of `set()`). */
  #notDeleted: string[] = [];

  constructor(config: ConsentConfig, diagnostics: Diagnostics) {
    this.#config = config;
    this.#diagnostics = diagnostics;
    this.#codeEnabled = config.codeEnabled;
    this.#subcommandRun = config.subcommandRun === true;
  }

  /**
   * Marks this run as the app's `telemetry` subcommand: from now on this
   * process sends nothing (`isEnabled()` is false), whatever the sources
   * say; `status()` still tells what they say, for the subcommand to print.
   */
  markSubcommandRun(): void {
    this.#subcommandRun = true;
  }

  status(): ConsentStatus {
    if (this.#status === undefined) this.#status = this.#resolve();
    return this.#status;
  }

  /** Cheap check used by the sampler and on the export path, so a "no" given mid-run stops what is not yet sent. */
  isEnabled(): boolean {
    if (this.#subcommandRun) return false;
    // An env switch, the flag or the app saying no settles it without touching the disk.
    if (this.#status === undefined && saysNoWithoutLookups(this.#lookupFree())) return false;
    return this.status().enabled;
  }

  /**
   * The app's own say changed, live: what `consent.enabled` would now be,
   * e.g. from a setting the user just changed in a long-running app (an
   * editor extension, a daemon). `false` is a "no" nothing overrides;
   * `true` counts as the user's informed yes, as `consent.enabled: true`
   * does; `undefined` leaves it to the other sources. Nothing is stored: the
   * app passes its setting again on its next start. It takes effect for the
   * next span; a "no" also drops what is queued and not yet sent. Unlike a
   * user's stored "no" (`set(false)`), it deletes no file. Never throws.
   */
  update(enabled: boolean | undefined): ConsentStatus {
    if (this.#config.codeEnabledFixed === true) return this.status();
    const say = typeof enabled === 'boolean' ? enabled : undefined;
    if (say === this.#codeEnabled) return this.status();
    this.#codeEnabled = say;
    this.#changed(false);
    return this.status();
  }

  /**
   * Records an answer: `scope: 'user'` (default) in the user's config dir,
   * `scope: 'project'` in the project file at the repository root (to be
   * committed). A "no" also deletes the per-install hash key, the install id
   * and any pending records, so nothing sent before can be linked to what
   * comes after, and nothing queued leaves. A "no" takes effect in this
   * process even when it can't be stored. Never throws.
   */
  set(enabled: boolean, options: { readonly scope?: ConsentScope } = {}): SetConsentResult {
    // Called from plain JavaScript too: anything but an object is no options.
    const scope = (typeof options === 'object' && options !== null ? options.scope : undefined) ?? 'user';
    const answer = enabled === true;
    if (scope !== 'user' && scope !== 'project') {
      return { ok: false, scope, error: `unknown consent scope "${String(scope)}"; use "user" or "project"` };
    }
    const path = scope === 'user' ? this.#config.files.consent : this.#discovery().writePath;
    try {
      if (path === undefined) throw new Error('no project here: the working directory is the home directory');
      if (scope === 'user') writeConsentFile(path, answer, this.#config.version);
      else writeProjectFile(path, answer);
    } catch (error) {
      this.#diagnostics.report(`could not write ${path ?? `the ${scope} consent file`}`, error);
      // The answer still holds for this process when it can't be stored (a "no" always does).
      if (scope === 'user' || !answer) this.#session = { enabled: answer, source: `set(${answer}) in this process (not stored: ${describeError(error)})` };
      const deleted = this.#changed(!answer);
      return { ok: false, scope, ...(path === undefined ? {} : { path }), deleted, ...this.#takeNotDeleted(), error: describeError(error) };
    }
    if (scope === 'user') this.#session = undefined;
    this.#project = undefined;
    return { ok: true, scope, path, deleted: this.#changed(!answer), ...this.#takeNotDeleted() };
  }

  /**
   * Forgets everything this install said and holds: the user's answer, the
   * first-run notice record, the install id, the hash key and pending
   * records. The next run is a first run again. A project file is left
   * alone (it is the project's, and committed). This run sends nothing and
   * shows no notice. Never throws; what could not be deleted is in `failed`.
   */
  reset(): ResetResult {
    const { consent, notice } = this.#config.files;
    const deleted: string[] = [];
    const failed: { readonly path: string; readonly error: string }[] = [];
    for (const path of [consent, notice]) {
      if (!nodeFs().existsSync(path)) continue;
      try {
        nodeFs().rmSync(path, { force: true });
        deleted.push(path);
      } catch (error) {
        this.#diagnostics.report(`could not delete ${path}`, error);
        failed.push({ path, error: describeError(error) });
      }
    }
    this.#session = undefined;
    // This run counts as the notice run: it shows nothing and records nothing, so the next run is the first run.
    this.#noticeRun = {};
    this.#subcommandRun = true;
    deleted.push(...this.#changed(true));
    return { deleted, failed };
  }

  /**
   * Asks the person at the terminal, y/N (default no), and stores the
   * answer. Asks only when it can matter and someone can answer: not when
   * any source already says no, not in CI, not without an interactive
   * terminal (stdin and stderr both TTYs), and not when the user already
   * said yes for this consent version. No answer within `timeoutMs` (or
   * stdin closing) is a no for the rest of this process, and stores and
   * deletes nothing: nobody said anything. Resolves with the resulting
   * status; never rejects.
   */
  async ask(options: AskOptions = {}): Promise<ConsentStatus> {
    try {
      const status = this.status();
      if (status.sources.some((s) => s.value === false) || this.#answeredYes()) return status;
      if (status.ci.detected ?? detectCi(this.#config.env).detected) return status;
      const { isatty } = await import('node:tty');
      if (!isatty(0) || !isatty(2)) return status;
      const { DEFAULT_ASK_TIMEOUT_MS, promptYesNo } = await import('./prompt.js');
      const timeout = options.timeoutMs;
      const timeoutMs = typeof timeout === 'number' && Number.isFinite(timeout) && timeout >= 0 ? timeout : DEFAULT_ASK_TIMEOUT_MS;
      const answer = await promptYesNo({ input: process.stdin, output: process.stderr }, promptText(this.#config.notice), timeoutMs);
      if (answer !== undefined) {
        this.set(answer);
      } else {
        this.#session = { enabled: false, source: `ask(): no answer within ${timeoutMs} ms (a no for this run; nothing stored)` };
        this.#changed(false);
      }
    } catch (error) {
      this.#diagnostics.report('asking for consent failed', error);
    }
    return this.status();
  }

  /**
   * Shows the first-run notice on stderr if this run is the one to show it
   * (opt-out mode, nobody said no, the user has not said yes themselves,
   * not in CI, not shown before for this consent version), and records that
   * it was shown. Called when the first command starts, else as the run
   * ends, so a run that stores an answer (`telemetry enable`/`disable`) is
   * not told about telemetry it just decided on. It counts as seen only
   * when shown on a terminal: with stderr piped, redirected or closed, it is
   * neither shown nor recorded, so a run nobody watches never starts the
   * sending. The record is written first: if it can't be (read-only home),
   * the notice is not shown, and since it can never count as seen, nothing
   * is ever sent. This run sends nothing either way. Never throws.
   */
  showNoticeIfDue(): void {
    if (this.#status === undefined && saysNoWithoutLookups(this.#lookupFree())) return; // no notice after a "no"; no disk read either
    if (this.#noticeRun !== undefined || this.status().notice !== 'this-run') return;
    const { version } = this.status();
    if (!this.#stderrIsTerminal()) {
      // Nobody may be reading a pipe, a log file or /dev/null: not shown, not recorded, nothing sent.
      this.#noticeRun = { unseen: true };
      this.#diagnostics.report('first-run notice due, but stderr is not a terminal: not shown or recorded; nothing is sent in this run');
      return;
    }
    try {
      writeNoticeShown(this.#config.files.notice, version);
    } catch (error) {
      this.#diagnostics.report(`could not record the first-run notice in ${this.#config.files.notice}; not showing it, and sending nothing`, error);
      this.#noticeRun = { problem: describeError(error) };
      this.#status = undefined;
      return;
    }
    this.#noticeRun = {};
    try {
      process.stderr.write(noticeText(this.#config.notice));
    } catch {
      // A closed stderr is not worth crashing the host over.
    }
    this.#diagnostics.report('first-run notice shown; nothing is sent in this run');
  }

  /**
   * The project facts the project id is derived from: the repository root
   * (whose git remote is read only once telemetry is on) and a `projectId`
   * from the nearest project file that has one.
   */
  project(): { readonly root?: string; readonly fileId?: string } {
    const discovery = this.#discovery();
    const fileId = discovery.files.map((f) => ('projectId' in f.verdict ? f.verdict.projectId : undefined)).find((id) => id !== undefined);
    return { ...(discovery.root === undefined ? {} : { root: discovery.root }), ...(fileId === undefined ? {} : { fileId }) };
  }

  /** Called with the new status whenever `set()` or `ask()` stores an answer, or `update()` changes the app's say. */
  onChange(listener: (status: ConsentStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #resolve(): ConsentStatus {
    const config = this.#config;
    try {
      const project = this.#discovery();
      const userFile = readConsentFile(config.files.consent);
      // Fail closed, and say why: a consent file that can't be read safely is a no for this run.
      if (userFile.kind === 'unreadable') this.#diagnostics.report(`${config.files.consent} can't be read safely (${userFile.reason}); counted as no`);
      for (const file of project.files) {
        if (file.verdict.kind === 'unreadable') this.#diagnostics.report(`${file.path} can't be read safely (${file.verdict.reason}); counted as no`);
      }
      const decision = resolveConsent({
        mode: config.mode,
        envPrefix: config.envPrefix,
        env: config.env,
        codeEnabled: this.#codeEnabled,
        flagDisabled: config.flagDisabled,
        ci: () => detectCi(config.env),
        ciPolicy: config.ciPolicy,
        projectFiles: project.files,
        projectFileName: config.projectFileName,
        ...(this.#session === undefined ? {} : { sessionAnswer: this.#session }),
        userFilePath: config.files.consent,
        userFile,
        version: config.version,
        // The run that showed the notice stays the notice run, whatever its record now says.
        noticeShownVersion: () => (this.#noticeRun === undefined ? readNoticeShownVersion(config.files.notice) : undefined),
        noticeCanBeSeen: () => this.#stderrIsTerminal(),
      });
      const problem = this.#noticeRun?.problem;
      return {
        ...decision,
        ...(decision.notice === 'this-run' && problem !== undefined
          ? { decidedBy: `${decision.decidedBy} (the notice could not be recorded in ${config.files.notice}: ${problem}; so it is not shown, and nothing is sent)` }
          : {}),
        ...(config.userId === undefined ? {} : { userId: config.userId }),
        files: { user: config.files.consent, ...(project.writePath === undefined ? {} : { project: project.writePath }) },
      };
    } catch (error) {
      this.#diagnostics.report('could not determine consent; counted as no', error);
      return {
        enabled: false,
        decidedBy: `consent could not be determined (${describeError(error)}); counted as no`,
        mode: config.mode,
        sources: [],
        version: config.version,
        ci: { policy: config.ciPolicy },
        notice: 'not-needed',
        files: { user: config.files.consent },
      };
    }
  }

  #lookupFree(): Parameters<typeof saysNoWithoutLookups>[0] {
    const config = this.#config;
    return { env: config.env, envPrefix: config.envPrefix, codeEnabled: this.#codeEnabled, flagDisabled: config.flagDisabled };
  }

  #discovery(): ProjectDiscovery {
    if (this.#project === undefined) {
      try {
        this.#project = discoverProject(process.cwd(), this.#config.projectFileName, nodeOs().homedir());
      } catch (error) {
        // e.g. the working directory was deleted: no project, nothing to write to.
        this.#diagnostics.report('could not look for a project file', error);
        this.#project = { files: [], root: undefined, writePath: undefined };
      }
    }
    return this.#project;
  }

  #stderrIsTerminal(): boolean {
    try {
      return this.#config.stderrIsTerminal?.() ?? process.stderr.isTTY === true;
    } catch {
      return false;
    }
  }

  #answeredYes(): boolean {
    if (this.#session?.enabled === true) return true;
    const file = readConsentFile(this.#config.files.consent);
    return file.kind === 'answer' && file.enabled && (file.version ?? DEFAULT_CONSENT_VERSION) === this.#config.version;
  }

  /** After an answer: re-resolve, forget (on a stored or given no), tell the listeners. */
  #changed(forget: boolean): string[] {
    this.#status = undefined;
    const deleted = forget ? this.#forget() : [];
    const status = this.status();
    for (const listener of this.#listeners) {
      try {
        listener(status);
      } catch (error) {
        this.#diagnostics.report('consent listener failed', error);
      }
    }
    return deleted;
  }

  #takeNotDeleted(): { notDeleted?: readonly string[] } {
    const notDeleted = this.#notDeleted;
    this.#notDeleted = [];
    return notDeleted.length === 0 ? {} : { notDeleted };
  }

  #forget(): string[] {
    const deleted: string[] = [];
    const { hashKey, installId, pendingDir } = this.#config.files;
    for (const path of [hashKey, installId, pendingDir]) {
      try {
        // lstat: a link is removed itself, never followed. optel never
        // writes through a linked pending directory, so no record of ours is
        // behind one; what it points to is not ours to delete.
        const link = nodeFs().lstatSync(path).isSymbolicLink();
        nodeFs().rmSync(path, { recursive: !link, force: true });
        deleted.push(link ? `${path} (a symbolic link: removed the link; optel never wrote through it)` : path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        this.#diagnostics.report(`could not delete ${path}`, error);
        this.#notDeleted.push(`${path}: ${describeError(error)}`);
      }
    }
    return deleted;
  }
}
