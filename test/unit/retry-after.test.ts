import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/pipeline/otlp-http.js';

describe('parseRetryAfter', () => {
  it('reads delay-seconds as milliseconds', () => {
    expect(parseRetryAfter('0')).toBe(0);
    expect(parseRetryAfter('1')).toBe(1_000);
    expect(parseRetryAfter('120')).toBe(120_000);
  });

  it('is absent without a header', () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });

  it('ignores values that are neither seconds nor a date', () => {
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter('not-a-date')).toBeUndefined();
  });

  it('reads an HTTP date as the time left until then', () => {
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    const ms = parseRetryAfter(inAMinute);
    expect(ms).toBeDefined();
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThanOrEqual(60_000);
  });

  it('reads an HTTP date in the past as "now", never a negative wait', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT')).toBe(0);
  });

  it('an empty Retry-After header is ignored, not read as "retry at once" (which would skip the backoff)', () => {
    expect(parseRetryAfter('')).toBeUndefined();
    expect(parseRetryAfter('   ')).toBeUndefined();
  });
});
