/** The longest user id sent; anything longer is not an id someone typed. */
const MAX_LENGTH = 256;

/**
 * The id a user volunteered (as Snowplow's `user_provided_id`): the
 * `<APP>_TELEMETRY_USER_ID` env var, else the app's `identity.userId`
 * option. Sent as `optel.user.id` only when set; never derived from
 * anything. Blank or over-long values (or ones holding control characters)
 * count as unset.
 */
export function volunteeredUserId(
  env: Readonly<Record<string, string | undefined>>,
  envPrefix: string,
  option: unknown,
): string | undefined {
  for (const candidate of [env[`${envPrefix}_TELEMETRY_USER_ID`], option]) {
    if (typeof candidate !== 'string') continue;
    const value = candidate.trim();
    // eslint-disable-next-line no-control-regex
    if (value !== '' && value.length <= MAX_LENGTH && !/[\u0000-\u001f\u007f]/.test(value)) return value;
  }
  return undefined;
}
