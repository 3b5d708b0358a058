/**
 * What a published page may print of a value. The report only prints values
 * the wire contract sends in clear (command names, versions, error types,
 * OS, runtime, CI vendor), but an app can put anything in a span name or an
 * error type: a value that looks like a digest or an id (long hex, a UUID)
 * is cut to its first characters so it can't be matched against another
 * data set or looked up. Long values are cut too, to keep the page readable.
 */
const DIGEST_LIKE = /^(?:[0-9a-f]{16,}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
const KEPT_OF_DIGEST = 6;
const MAX_LENGTH = 80;

export function shownLabel(value: string): string {
  if (DIGEST_LIKE.test(value)) return `${value.slice(0, KEPT_OF_DIGEST)}…`;
  if (value.length > MAX_LENGTH) return `${value.slice(0, MAX_LENGTH - 1)}…`;
  return value;
}
