/**
 * How optel reads yes/no env vars. The switches that turn telemetry off fail
 * closed: a value that is set but not understood counts as "off", because a
 * user who typed `=y` or `=disabled` meant no. The debug switch, which only
 * ever sends less, takes the usual truthy words.
 */
const TRUTHY = new Set(['1', 'true', 'yes', 'on']);

/** The values that clearly leave `<APP>_TELEMETRY_DISABLED` unset ("not disabled"). */
const CLEAR_OFF = new Set(['0', 'false', 'no', 'off']);

export function isTruthy(value: string | undefined): boolean {
  return value !== undefined && TRUTHY.has(value.trim().toLowerCase());
}

export function doNotTrack(value: string | undefined): boolean {
  if (value === undefined) return false;
  const v = value.trim().toLowerCase();
  return v !== '' && v !== '0' && v !== 'false';
}

/** What `<APP>_TELEMETRY_DISABLED` says: whether it turns telemetry off, and whether its value is one optel knows. */
export interface DisableSwitch {
  readonly disabled: boolean;
  /** False for a non-empty value that is neither a truthy word nor a clear off: it counts as off, and `status` says so. */
  readonly recognised: boolean;
}

/**
 * Any non-empty value but a clear off (`0`, `false`, `no`, `off`, any case)
 * turns telemetry off. Empty (or blank) is unset.
 */
export function readDisableSwitch(value: string | undefined): DisableSwitch {
  const v = value?.trim().toLowerCase() ?? '';
  if (v === '' || CLEAR_OFF.has(v)) return { disabled: false, recognised: true };
  return { disabled: true, recognised: TRUTHY.has(v) };
}
