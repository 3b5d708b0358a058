/**
 * Span and trace ids: drawn from node:crypto's random source through a pool
 * of random bytes, each of the right length, and never the all-zero id that
 * OTLP reads as "no id".
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomId } from '../../src/lifecycle/span-ids.js';

const crypto = process.getBuiltinModule('node:crypto');

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

  it('skips all-zero ids: a pool of zero bytes gives none of them, and drawing goes on from fresh random bytes', () => {
    const real = crypto.randomBytes.bind(crypto);
    let fills = 0;
    vi.spyOn(crypto, 'randomBytes').mockImplementation((size: number) => {
      fills++;
      return fills === 1 ? Buffer.alloc(size) : real(size);
    });
    const ids: string[] = [];
    // Whatever is left of the current pool, then the zero pool, then ids from a real one.
    while (fills < 2) ids.push(randomId(8), randomId(16));
    expect(fills).toBe(2);
    expect(ids.some((id) => /^0+$/.test(id))).toBe(false);
    expect(ids.every((id) => /^[0-9a-f]+$/.test(id) && (id.length === 16 || id.length === 32))).toBe(true);
  });

  it('skips only the all-zero ids of a pool: an id with one non-zero byte is kept', () => {
    let fills = 0;
    vi.spyOn(crypto, 'randomBytes').mockImplementation((size: number) => {
      fills++;
      const bytes = Buffer.alloc(size);
      // Every other 8-byte id of the pool ends in 01; the others are all zeros.
      for (let at = 15; at < size; at += 16) bytes[at] = 1;
      return bytes;
    });
    const ids: string[] = [];
    while (fills < 2) ids.push(randomId(8));
    const fromPattern = ids.slice(-10);
    expect(fromPattern).toEqual(Array.from({ length: 10 }, () => '0000000000000001'));
  });
});
