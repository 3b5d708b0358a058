/**
 * From one span (plain attribute objects, as optel receive writes them) to a
 * CommandRecord, or undefined when the span is not a command record: steps,
 * other instrumentation's spans and anything without `optel.lifecycle` are
 * not counted.
 */
import type { CommandRecord } from './command-record.js';
import {
  CI,
  CI_VENDOR,
  ERROR_TYPE,
  INSTALL_ID,
  LIFECYCLE,
  OS_TYPE,
  OUTCOME,
  OUTCOMES,
  RUNTIME_NAME,
  RUNTIME_VERSION,
  SERVICE_NAME,
  SERVICE_VERSION,
} from './wire-keys.js';
import type { Outcome } from './wire-keys.js';

export interface PlainSpan {
  readonly name: unknown;
  readonly traceId: unknown;
  readonly spanId: unknown;
  readonly parentSpanId: unknown;
  readonly startTimeUnixNano: unknown;
  readonly endTimeUnixNano: unknown;
  readonly attributes: Record<string, unknown>;
  readonly resource: Record<string, unknown>;
}

const NANOS_PER_MS = 1e6;

export function toCommandRecord(span: PlainSpan): CommandRecord | undefined {
  const lifecycle = span.attributes[LIFECYCLE];
  if (lifecycle !== 'started' && lifecycle !== 'completed') return undefined;
  if (typeof span.name !== 'string' || typeof span.traceId !== 'string' || typeof span.spanId !== 'string') return undefined;
  const start = nanos(span.startTimeUnixNano);
  if (start === undefined) return undefined;
  const end = nanos(span.endTimeUnixNano) ?? start;
  const { attributes, resource } = span;
  const outcome = lifecycle === 'completed' ? toOutcome(attributes[OUTCOME]) : undefined;
  const errorType = attributes[ERROR_TYPE];
  const installId = resource[INSTALL_ID];
  return {
    lifecycle,
    service: text(resource[SERVICE_NAME]) ?? 'unknown',
    command: span.name,
    traceId: span.traceId.toLowerCase(),
    spanId: span.spanId.toLowerCase(),
    parentSpanId: typeof span.parentSpanId === 'string' ? span.parentSpanId.toLowerCase() : '',
    startMs: start / NANOS_PER_MS,
    // Epoch nanoseconds exceed 2^53, so each loses up to ~0.5 µs as a double: far below a millisecond.
    durationMs: lifecycle === 'completed' ? Math.max(0, (end - start) / NANOS_PER_MS) : 0,
    outcome,
    errorType: errorType === undefined || errorType === null ? undefined : String(errorType),
    installId: typeof installId === 'string' && installId !== '' ? installId : undefined,
    version: text(resource[SERVICE_VERSION]) ?? '(none)',
    os: text(resource[OS_TYPE]) ?? 'unknown',
    runtime: runtimeOf(resource),
    ci: ciOf(resource),
  };
}

function nanos(value: unknown): number | undefined {
  const number = typeof value === 'string' ? Number(value) : typeof value === 'number' ? value : Number.NaN;
  return Number.isFinite(number) && number > 0 ? number : undefined;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** The contract always sets an outcome on completed records; one without is counted as it ended: a success. */
function toOutcome(value: unknown): Outcome {
  return OUTCOMES.find((outcome) => outcome === value) ?? 'success';
}

/** The runtime and its major version (`nodejs 20`): minor versions would split the chart into slivers. */
function runtimeOf(resource: Record<string, unknown>): string {
  const name = text(resource[RUNTIME_NAME]) ?? 'unknown';
  const version = text(resource[RUNTIME_VERSION]);
  const major = version === undefined ? undefined : /^v?(\d+)/.exec(version)?.[1];
  return major === undefined ? name : `${name} ${major}`;
}

function ciOf(resource: Record<string, unknown>): string {
  const ci = resource[CI];
  const vendor = text(resource[CI_VENDOR]);
  if (ci === true || ci === 'true') return vendor === undefined ? 'CI, vendor unknown' : vendor;
  if (ci === false || ci === 'false') return 'not CI';
  return vendor ?? 'unknown';
}
