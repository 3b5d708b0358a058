import { doNotTrack, readDisableSwitch } from '../config/env-flag.js';
import type { ConsentMode } from '../config/options.js';
import type { CiContext, CiPolicy } from './ci.js';
import { DEFAULT_CI_POLICY } from './ci.js';
import type { ProjectFile } from './project-file.js';
import type { FileVerdict } from './user-file.js';

/** The consent version an app has when it sets none. */
export const DEFAULT_CONSENT_VERSION = '1';

/** One place that can say yes or no, and what it said. */
export interface ConsentSource {
  /** Human-readable: names the env var, file path or flag. */
  readonly source: string;
  /** `true` = yes, `false` = no, `undefined` = no opinion. */
  readonly value: boolean | undefined;
  readonly detail?: string;
}

/**
 * The first-run notice (opt-out mode): `this-run` when it is due in this run
 * (shown if stderr is a terminal; either way this run sends nothing), `seen`
 * when it was shown on a terminal before for this consent version,
 * `not-needed` when telemetry is off anyway, the user said yes themselves,
 * or the process runs in CI.
 */
export type NoticeState = 'this-run' | 'seen' | 'not-needed';

export interface ConsentDecision {
  /** Whether this process sends anything. */
  readonly enabled: boolean;
  /** The source that decided, e.g. `env DO_NOT_TRACK=1` or `user file /home/.../telemetry.json`. */
  readonly decidedBy: string;
  readonly mode: ConsentMode;
  /** Every source consulted, in order, with its value. */
  readonly sources: readonly ConsentSource[];
  /** The app's consent version (`consent.version`), bumped when what it collects changes. */
  readonly version: string;
  /** `detected` is left out when CI was not checked: something else already keeps telemetry off. */
  readonly ci: { readonly detected?: boolean; readonly vendor?: string; readonly policy: CiPolicy };
  readonly notice: NoticeState;
}

/** What `telemetry.consent.status()` returns. */
export interface ConsentStatus extends ConsentDecision {
  /** The id the user volunteered (`<APP>_TELEMETRY_USER_ID` or the app's option), sent as `optel.user.id`. */
  readonly userId?: string;
  readonly files: {
    /** The user's answer. */
    readonly user: string;
    /** Where a project-scope answer is written: the repository root's project file. */
    readonly project?: string;
  };
}

export interface ConsentInputs {
  readonly mode: ConsentMode;
  readonly envPrefix: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly codeEnabled: boolean | undefined;
  readonly flagDisabled: boolean;
  /** Called only when CI can change the outcome, so CI detection is not even loaded otherwise. */
  readonly ci?: () => CiContext;
  readonly ciPolicy?: CiPolicy;
  /** Project files found from the working directory up, nearest first. */
  readonly projectFiles?: readonly ProjectFile[];
  /** The project file's name, to say what to create when none was found. */
  readonly projectFileName?: string;
  /** An answer that holds for this process only (`set()` that could not be stored, `ask()` unanswered), named by `source`. */
  readonly sessionAnswer?: { readonly enabled: boolean; readonly source: string };
  readonly userFilePath: string;
  readonly userFile: FileVerdict;
  readonly version?: string;
  /** Read only when the notice could be due, so nothing is read when telemetry is off. */
  readonly noticeShownVersion?: () => string | undefined;
  /**
   * Whether a notice shown now could be seen: stderr is a terminal. Asked
   * only when the notice is due; when it says no, the notice is not shown
   * or recorded, and the run sends nothing. Default: yes.
   */
  readonly noticeCanBeSeen?: () => boolean;
}

/**
 * Any "no" wins; otherwise any "yes"; otherwise the app's default. Sources are
 * listed most specific first, and the first "no" (or "yes") in that order is
 * the one `decidedBy` names. Then the first-run notice: when telemetry would
 * be on without this user having said yes, the run that shows the notice
 * sends nothing, so the user can say no before anything leaves.
 */
export function resolveConsent(inputs: ConsentInputs): ConsentDecision {
  const version = inputs.version ?? DEFAULT_CONSENT_VERSION;
  const before = sourcesBeforeCi(inputs);
  const after = sourcesAfterCi(inputs);
  // CI can only turn off what would otherwise be on (or show a notice).
  const others = [...before, ...after];
  const ciMatters = !others.some((s) => s.value === false) && (inputs.mode === 'opt-out' || others.some((s) => s.value === true));
  const policy = inputs.ciPolicy ?? DEFAULT_CI_POLICY;
  const ci: ConsentDecision['ci'] = ciMatters ? { ...(inputs.ci?.() ?? { detected: false }), policy } : { policy };
  const sources = [...before, ciSource(ci), ...after];
  const base = { mode: inputs.mode, sources, version, ci };
  const no = sources.find((s) => s.value === false);
  if (no) return { ...base, enabled: false, decidedBy: no.source, notice: 'not-needed' };
  const yes = sources.find((s) => s.value === true);
  if (!yes && inputs.mode === 'opt-in') {
    return { ...base, enabled: false, decidedBy: 'default (opt-in: off until someone says yes)', notice: 'not-needed' };
  }
  const decidedBy = yes ? yes.source : 'default (opt-out: on until someone says no)';
  if (ci.detected === true || saidYesThemselves(inputs, version)) return { ...base, enabled: true, decidedBy, notice: 'not-needed' };
  if (inputs.noticeShownVersion?.() === version) return { ...base, enabled: true, decidedBy, notice: 'seen' };
  const seeable = inputs.noticeCanBeSeen?.() ?? true;
  return { ...base, enabled: false, decidedBy: seeable ? noticeDecider(version) : unseenNoticeDecider(version), notice: 'this-run' };
}

/** What `decidedBy` says on the run that shows the first-run notice. */
export function noticeDecider(version: string): string {
  return `first-run notice (consent version ${version}): the run that shows it sends nothing; sending starts with the next run`;
}

/** What `decidedBy` says when the notice is due but nobody could see it (stderr is not a terminal). */
export function unseenNoticeDecider(version: string): string {
  return (
    `first-run notice (consent version ${version}): not shown, because stderr is not a terminal; ` +
    'nothing is sent until it has been shown on one (or the user says yes)'
  );
}

/**
 * An informed yes, which skips the notice: the app's own `consent.enabled:
 * true` (from a setting the user chose), or the user's `set(true)`/`ask()`
 * for the current consent version. (A project file's yes is not a source
 * of yes at all: see `projectSources`.)
 */
function saidYesThemselves(inputs: ConsentInputs, version: string): boolean {
  if (inputs.codeEnabled === true || inputs.sessionAnswer?.enabled === true) return true;
  const file = inputs.userFile;
  return file.kind === 'answer' && file.enabled && (file.version ?? DEFAULT_CONSENT_VERSION) === version;
}

type LookupFreeInputs = Pick<ConsentInputs, 'env' | 'envPrefix' | 'codeEnabled' | 'flagDisabled'>;

/**
 * Whether a source that needs no lookup (the code option, the flag, the env
 * switches) says no. Lets the telemetry-off path answer without reading any
 * file; `status()` still consults everything.
 */
export function saysNoWithoutLookups(inputs: LookupFreeInputs): boolean {
  return sourcesBeforeCi(inputs).some((source) => source.value === false);
}

function sourcesBeforeCi(inputs: LookupFreeInputs): ConsentSource[] {
  const { env, envPrefix } = inputs;
  const disabledVar = `${envPrefix}_TELEMETRY_DISABLED`;
  return [
    { source: 'code option consent.enabled', value: inputs.codeEnabled },
    { source: 'flag --disable-telemetry', value: inputs.flagDisabled ? false : undefined },
    envSource('DO_NOT_TRACK', env['DO_NOT_TRACK'], doNotTrack),
    disableSwitchSource(disabledVar, env[disabledVar]),
    envSource('OTEL_SDK_DISABLED', env['OTEL_SDK_DISABLED'], (v) => v?.trim().toLowerCase() === 'true'),
  ];
}

function sourcesAfterCi(inputs: ConsentInputs): ConsentSource[] {
  const sources = projectSources(inputs.projectFiles ?? [], inputs.projectFileName);
  const session = inputs.sessionAnswer;
  if (session) sources.push({ source: session.source, value: session.enabled });
  sources.push(fileSource(inputs.userFilePath, inputs.userFile));
  return sources;
}

function envSource(name: string, raw: string | undefined, saysNo: (v: string | undefined) => boolean): ConsentSource {
  if (raw === undefined) return { source: `env ${name}`, value: undefined };
  return { source: `env ${name}=${raw}`, value: saysNo(raw) ? false : undefined };
}

/** `<APP>_TELEMETRY_DISABLED` fails closed; a value optel doesn't know is named as such in `status`. */
function disableSwitchSource(name: string, raw: string | undefined): ConsentSource {
  if (raw === undefined) return { source: `env ${name}`, value: undefined };
  const read = readDisableSwitch(raw);
  if (read.recognised) return { source: `env ${name}=${raw}`, value: read.disabled ? false : undefined };
  const detail = 'not a value optel knows (1/true/yes/on to turn off, 0/false/no/off to leave on); counted as no';
  return { source: `env ${name}=${raw} (${detail})`, value: false, detail };
}

function ciSource(ci: ConsentDecision['ci']): ConsentSource {
  if (ci.detected === undefined) return { source: 'CI: not checked', value: undefined, detail: 'another source keeps telemetry off' };
  if (!ci.detected) return { source: 'CI: not detected', value: undefined };
  const where = `CI (${ci.vendor ?? 'detected'})`;
  return ci.policy === 'off'
    ? { source: `${where}: the app keeps telemetry off in CI (consent.ci: 'off')`, value: false }
    : { source: `${where}: the app allows telemetry in CI (consent.ci: 'on')`, value: undefined };
}

function projectSources(files: readonly ProjectFile[], fileName: string | undefined): ConsentSource[] {
  if (files.length === 0) {
    return [{ source: `project file ${fileName ?? ''}`.trimEnd(), value: undefined, detail: 'none found from the working directory up to the repository root' }];
  }
  return files.map(({ path, verdict }): ConsentSource => {
    const source = `project file ${path}`;
    switch (verdict.kind) {
      case 'answer':
        // A repository can say no for everyone who works in it; its yes is
        // someone else's answer: never a yes for this user (opt-in), never a
        // reason to skip the first-run notice (opt-out).
        return verdict.enabled
          ? { source: `${source} (yes: not counted; only each user can say yes)`, value: undefined, detail: 'a project file can only say no' }
          : { source, value: false };
      case 'no-answer':
        return { source, value: undefined, detail: 'no "enabled" field' };
      case 'unreadable':
        return { source: `${source} (unreadable: ${verdict.reason}; counted as no)`, value: false, detail: verdict.reason };
    }
  });
}

function fileSource(path: string, verdict: FileVerdict): ConsentSource {
  const source = `user file ${path}`;
  switch (verdict.kind) {
    case 'absent':
      return { source, value: undefined, detail: 'absent' };
    case 'answer':
      return { source, value: verdict.enabled };
    case 'unreadable':
      return { source: `${source} (unreadable: ${verdict.reason}; counted as no)`, value: false, detail: verdict.reason };
  }
}
