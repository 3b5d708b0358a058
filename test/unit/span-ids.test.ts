/**
 * Span and trace ids: from the system's random source (the first pool read
 * from /dev/urandom, so a short run loads no node:crypto; later pools, or
 * all of them where there is no /dev/urandom, from node:crypto), each of
 * the right length, never the all-zero id that OTLP reads as "no id", and
 * never from the app's own Math.random().
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const fs = process.getBuiltinModule('node:fs');
const crypto = process.getBuiltinModule('node:crypto');

type RandomId = (bytes: 8 | 16) => string;
/** A fresh copy of the module: its pool and its count of refills start anew. */
let randomId: RandomId;
beforeEach(async () => {
  vi.resetModules();
  ({ randomId } = await import('../../src/lifecycle/span-ids.js'));
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** Draws ids until the pool is refilled once more (what was left of it first), then `count` more. */
function drawPastRefill(refills: () => number, count: number, bytes: 8 | 16 = 8): string[] {
  const before = refills();
  while (refills() === before) randomId(bytes);
  return Array.from({ length: count }, () => randomId(bytes));
}

describe('randomId', () => {
  it('gives 16 hex characters for a span id and 32 for a trace id, different every time', () => {
    const spanIds = Array.from({ length: 2000 }, () => randomId(8));
    const traceIds = Array.from({ length: 2000 }, () => randomId(16));
    expect(spanIds.every((id) => /^[0-9a-f]{16}$/.test(id))).toBe(true);
    expect(traceIds.every((id) => /^[0-9a-f]{32}$/.test(id))).toBe(true);
    expect(new Set([...spanIds, ...traceIds]).size).toBe(4000);
  });

  it("never asks the app's Math.random(): an app that pins it still gets ids, all different", () => {
    const pinned = vi.spyOn(Math, 'random').mockReturnValue(0);
    const ids = Array.from({ length: 1000 }, () => randomId(8));
    expect(pinned).not.toHaveBeenCalled();
    expect(new Set(ids).size).toBe(1000);
  });

  it('reads the first pool from /dev/urandom, without node:crypto, and later ones from node:crypto', () => {
    const reads = vi.spyOn(fs, 'readSync');
    const fromCrypto = vi.spyOn(crypto, 'randomFillSync');
    const first = Array.from({ length: 10 }, () => randomId(8));
    expect(reads).toHaveBeenCalled();
    expect(fromCrypto).not.toHaveBeenCalled();
    const later = drawPastRefill(() => fromCrypto.mock.calls.length, 10);
    expect(new Set([...first, ...later]).size).toBe(20);
  });

  it('without /dev/urandom, the first pool comes from node:crypto too', () => {
    const realOpen = fs.openSync.bind(fs);
    vi.spyOn(fs, 'openSync').mockImplementation(((path: string, ...rest: unknown[]) => {
      if (path === '/dev/urandom') throw Object.assign(new Error('no such device'), { code: 'ENOENT' });
      return (realOpen as (...args: unknown[]) => number)(path, ...rest);
    }) as typeof fs.openSync);
    const fromCrypto = vi.spyOn(crypto, 'randomFillSync');
    const ids = Array.from({ length: 10 }, () => randomId(8));
    expect(fromCrypto).toHaveBeenCalledTimes(1);
    expect(ids.every((id) => /^[0-9a-f]{16}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(10);
  });

  it('turns an all-zero id into one (its last bit set), and leaves every other id as drawn', () => {
    // A source of zeros, with 80 at the end of every other 8-byte id.
    const pattern = (buffer: Buffer): void => {
      buffer.fill(0);
      for (let at = 15; at < buffer.length; at += 16) buffer[at] = 0x80;
    };
    vi.spyOn(fs, 'readSync').mockImplementation(((_fd: number, buffer: Buffer, _offset: number, length: number) => {
      pattern(buffer);
      return length;
    }) as typeof fs.readSync);
    const fromCrypto = vi.spyOn(crypto, 'randomFillSync').mockImplementation(((buffer: Buffer) => {
      pattern(buffer);
      return buffer;
    }) as typeof crypto.randomFillSync);
    // The first pool: its first id is all zeros, the next ones alternate.
    expect(Array.from({ length: 4 }, () => randomId(8))).toEqual(['0000000000000001', '0000000000000080', '0000000000000001', '0000000000000080']);
    // A later pool (node:crypto), as trace ids: each ends in 80.
    const traceIds = drawPastRefill(() => fromCrypto.mock.calls.length, 4, 16);
    expect(traceIds).toEqual(Array.from({ length: 4 }, () => `${'0'.repeat(30)}80`));
  });
});
