/**
 * Span and trace ids: drawn from Math.random() through a pool of random
 * bytes (as OpenTelemetry's own SDK draws them: they only have to differ),
 * each of the right length, and never the all-zero id that OTLP reads as
 * "no id".
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomId } from '../../src/lifecycle/span-ids.js';

/** Math.random() calls per refill of the pool (4096 bytes, 4 per call). */
const CALLS_PER_FILL = 1024;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('randomId', () => {
  it('gives 16 hex characters for a span id and 32 for a trace id, different every time', () => {
    const spanIds = Array.from({ length: 2000 }, () => randomId(8));
    const traceIds = Array.from({ length: 2000 }, () => randomId(16));
    expect(spanIds.every((id) => /^[0-9a-f]{16}$/.test(id))).toBe(true);
    expect(traceIds.every((id) => /^[0-9a-f]{32}$/.test(id))).toBe(true);
    expect(new Set([...spanIds, ...traceIds]).size).toBe(4000);
  });

  it('skips all-zero ids: a pool of zero bytes gives none of them, and drawing goes on from a fresh pool', () => {
    let calls = 0;
    // One refill of zeros, then one of 0x80000000 words (bytes 00 00 00 80).
    vi.spyOn(Math, 'random').mockImplementation(() => (calls++ < CALLS_PER_FILL ? 0 : 0.5));
    const ids: string[] = [];
    // Whatever is left of the current pool, then the zero pool (nothing), then ids from the next one.
    while (calls <= CALLS_PER_FILL) ids.push(randomId(8), randomId(16));
    expect(calls).toBe(2 * CALLS_PER_FILL);
    expect(ids.some((id) => /^0+$/.test(id))).toBe(false);
    expect(ids.slice(-2)).toEqual(['00000080'.repeat(2), '00000080'.repeat(4)]);
  });

  it('skips only the all-zero ids of a pool: an id with one non-zero byte is kept', () => {
    let calls = 0;
    // Every fourth word is 0x01000000: every other 8-byte id ends in 01, the others are all zeros.
    vi.spyOn(Math, 'random').mockImplementation(() => (calls++ % 4 === 3 ? 0x0100_0000 / 0x1_0000_0000 : 0));
    // Use up what is left of the current pool.
    while (calls === 0) randomId(8);
    const ids = Array.from({ length: 10 }, () => randomId(8));
    expect(ids).toEqual(Array.from({ length: 10 }, () => '0000000000000001'));
  });
});
