import type { HrTime, TimeInput } from '@opentelemetry/api';

/**
 * The epoch time and the monotonic clock at optel's first reading. Not the
 * global `performance`: its first use loads node:perf_hooks (about a
 * millisecond, on the path of an app's first command).
 */
let anchor: { readonly epochMs: number; readonly monotonicNs: bigint } | undefined;

/** Now, as OpenTelemetry's [seconds, nanoseconds] since the epoch: monotonic, with sub-millisecond precision between readings. */
export function hrNow(): HrTime {
  const monotonicNs = process.hrtime.bigint();
  anchor ??= { epochMs: Date.now(), monotonicNs };
  return fromEpochMs(anchor.epochMs + Number(monotonicNs - anchor.monotonicNs) / 1e6);
}

/**
 * A span or event time as an app may give it (`span.end(time)`): an HrTime,
 * a Date, epoch milliseconds, or milliseconds of `performance.now()` (a
 * number smaller than the process's time origin), as the SDK reads them.
 */
export function toHrTime(time: TimeInput | undefined): HrTime {
  if (time === undefined) return hrNow();
  if (Array.isArray(time)) return [Number(time[0]) || 0, Number(time[1]) || 0];
  if (time instanceof Date) return fromEpochMs(time.getTime());
  if (typeof time === 'number' && Number.isFinite(time)) return fromEpochMs(time < performance.timeOrigin ? performance.timeOrigin + time : time);
  return hrNow();
}

function fromEpochMs(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  const nanos = Math.min(999_999_999, Math.round((ms - seconds * 1000) * 1e6));
  return [seconds, nanos];
}

/** `end - start`, as an HrTime (zero if the end is before the start). */
export function hrDuration(start: HrTime, end: HrTime): HrTime {
  let seconds = end[0] - start[0];
  let nanos = end[1] - start[1];
  if (nanos < 0) {
    seconds -= 1;
    nanos += 1e9;
  }
  return seconds < 0 ? [0, 0] : [seconds, nanos];
}
