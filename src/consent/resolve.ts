import { doNotTrack, isTruthy } from '../env-flag.js';
import type { ConsentMode } from '../options.js';
import type { FileVerdict } from './user-file.js';

/** One place that can say yes or no, and what it said. */
export interface ConsentSource {
  /** Human-readable: names the env var, file path or flag. */
  readonly source: string;
  /** `true` = yes, `false` = no, `undefined` = no opinion. */
  readonly value: boolean | undefined;
  readonly detail?: string;
}

export interface ConsentStatus {
  readonly enabled: boolean;
  /** The source that decided, e.g. `env DO_NOT_TRACK=1` or `user file /home/.../telemetry.json`. */
  readonly decidedBy: string;
  readonly mode: ConsentMode;
  /** Every source consulted, in order, with its value. */
  readonly sources: readonly ConsentSource[];
}

export interface ConsentInputs {
  readonly mode: ConsentMode;
  readonly envPrefix: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly codeEnabled: boolean | undefined;
  readonly flagDisabled: boolean;
  readonly userFilePath: string;
  readonly userFile: FileVerdict;
}

/**
 * Any "no" wins; otherwise any "yes"; otherwise the app's default. Sources are
 * listed most specific first, and the first "no" (or "yes") in that order is
 * the one `decidedBy` names.
 */
export function resolveConsent(inputs: ConsentInputs): ConsentStatus {
  const sources = collectSources(inputs);
  const no = sources.find((s) => s.value === false);
  if (no) return { enabled: false, decidedBy: no.source, mode: inputs.mode, sources };
  const yes = sources.find((s) => s.value === true);
  if (yes) return { enabled: true, decidedBy: yes.source, mode: inputs.mode, sources };
  const decidedBy = inputs.mode === 'opt-out' ? 'default (opt-out: on until someone says no)' : 'default (opt-in: off until someone says yes)';
  return { enabled: inputs.mode === 'opt-out', decidedBy, mode: inputs.mode, sources };
}

function collectSources(inputs: ConsentInputs): ConsentSource[] {
  const { env, envPrefix } = inputs;
  const disabledVar = `${envPrefix}_TELEMETRY_DISABLED`;
  const sources: ConsentSource[] = [
    { source: 'code option consent.enabled', value: inputs.codeEnabled },
    { source: 'flag --disable-telemetry', value: inputs.flagDisabled ? false : undefined },
    envSource('DO_NOT_TRACK', env['DO_NOT_TRACK'], doNotTrack),
    envSource(disabledVar, env[disabledVar], isTruthy),
    envSource('OTEL_SDK_DISABLED', env['OTEL_SDK_DISABLED'], (v) => v?.trim().toLowerCase() === 'true'),
    fileSource(inputs.userFilePath, inputs.userFile),
  ];
  return sources;
}

function envSource(name: string, raw: string | undefined, saysNo: (v: string | undefined) => boolean): ConsentSource {
  if (raw === undefined) return { source: `env ${name}`, value: undefined };
  return { source: `env ${name}=${raw}`, value: saysNo(raw) ? false : undefined };
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
