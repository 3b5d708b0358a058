import type { AttributeCatalogue, AttributeTreatment } from '../config/options.js';
import { WIRE_KEYS } from '../transparency/wire-keys.js';
import { shapeProblems } from './value-shapes.js';

/**
 * Keys optel itself writes. They carry only values optel chose (enums,
 * numbers, class names), so they pass without being declared (and are still
 * scrubbed: in an app's own SDK other code may write them too).
 */
export const OPTEL_ATTRIBUTE_KEYS: ReadonlySet<string> = new Set([
  WIRE_KEYS.lifecycle,
  WIRE_KEYS.outcome,
  WIRE_KEYS.exitCode,
  WIRE_KEYS.errorType,
]);

/**
 * The keys of an `exception` event optel knows: the type is kept, the
 * message is scrubbed, the stack trace is reduced to relative frames.
 * Other keys of the event go through the catalogue like any attribute.
 */
export const EXCEPTION_TYPE_KEY = 'exception.type';
export const EXCEPTION_MESSAGE_KEY = 'exception.message';
export const EXCEPTION_STACKTRACE_KEY = 'exception.stacktrace';

/**
 * The resource keys that may leave: non-identifying facts about the app and
 * the platform. Anything else an app's own SDK put on its resource (host
 * name and id, process owner, command line, executable path, pid, IP,
 * container and cloud ids, cloud region and account) is dropped; of the
 * cloud keys only `cloud.provider` (aws, gcp, azure) passes. `service.instance.id` is left out
 * on purpose: SDKs fill it with a host or pod name as often as with a
 * random id.
 */
export const RESOURCE_KEYS: ReadonlySet<string> = new Set(['os.type', 'os.version', 'host.arch', WIRE_KEYS.cloudProvider]);
export const RESOURCE_KEY_PREFIXES: readonly string[] = ['service.', 'telemetry.sdk.', 'telemetry.distro.', 'process.runtime.', 'optel.', 'deployment.environment'];
const RESOURCE_KEYS_EXCLUDED: ReadonlySet<string> = new Set(['service.instance.id']);

export function isAllowedResourceKey(key: string): boolean {
  if (RESOURCE_KEYS.has(key)) return true;
  if (RESOURCE_KEYS_EXCLUDED.has(key)) return false;
  return RESOURCE_KEY_PREFIXES.some((prefix) => key.startsWith(prefix));
}

export type KeyTreatment = AttributeTreatment | 'optel' | 'drop';

export function treatmentOf(catalogue: AttributeCatalogue, key: string): KeyTreatment {
  if (OPTEL_ATTRIBUTE_KEYS.has(key)) return 'optel';
  const declared = Object.hasOwn(catalogue, key) ? catalogue[key] : undefined;
  return declared === 'clear' || declared === 'hash' ? declared : 'drop';
}

/** Checks an app's catalogue; returns the problems (unknown treatments, reserved keys, refused value shapes). */
export function validateCatalogue(catalogue: AttributeCatalogue): string[] {
  const problems: string[] = [...shapeProblems(catalogue)];
  for (const [key, treatment] of Object.entries(catalogue)) {
    if (treatment !== 'clear' && treatment !== 'hash') {
      problems.push(`attribute "${key}" has treatment "${String(treatment)}"; use "clear" or "hash" (it will be dropped)`);
    }
    if (OPTEL_ATTRIBUTE_KEYS.has(key)) {
      problems.push(`attribute "${key}" is written by optel itself; the declaration is ignored`);
    }
  }
  return problems;
}
