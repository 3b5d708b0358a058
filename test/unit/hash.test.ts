import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DIGEST_HEX_LENGTH, keyedDigest } from '../../src/privacy/hash.js';

const KEY = Buffer.from('0f'.repeat(32), 'hex');
const OTHER_KEY = Buffer.from('a0'.repeat(32), 'hex');

describe('keyedDigest', () => {
  it('is 16 lowercase hex characters', () => {
    expect(DIGEST_HEX_LENGTH).toBe(16);
    for (const value of ['acme', '', 'x'.repeat(100_000), 42, true]) {
      expect(keyedDigest(KEY, value)).toMatch(/^[0-9a-f]{16}$/);
    }
  });

  it('is stable: the same key and value always give the same digest', () => {
    expect(keyedDigest(KEY, 'acme')).toBe(keyedDigest(Buffer.from(KEY), 'acme'));
  });

  it('differs across keys, so two installs cannot be linked and a dictionary without the key is useless', () => {
    expect(keyedDigest(KEY, 'acme')).not.toBe(keyedDigest(OTHER_KEY, 'acme'));
    expect(keyedDigest(randomBytes(32), 'acme')).not.toBe(keyedDigest(randomBytes(32), 'acme'));
  });

  it('differs across values', () => {
    expect(keyedDigest(KEY, 'acme')).not.toBe(keyedDigest(KEY, 'acme2'));
    expect(keyedDigest(KEY, 'Acme')).not.toBe(keyedDigest(KEY, 'acme'));
  });

  it('is not a plain unkeyed SHA-256 of the value', async () => {
    const { createHash } = await import('node:crypto');
    const plain = createHash('sha256').update('acme').digest('hex').slice(0, 16);
    expect(keyedDigest(KEY, 'acme')).not.toBe(plain);
  });

  it('treats surrounding whitespace and Unicode composition as the same value', () => {
    expect(keyedDigest(KEY, '  acme\n')).toBe(keyedDigest(KEY, 'acme'));
    const composed = 'caf\u00e9';
    const decomposed = 'cafe\u0301';
    expect(composed).not.toBe(decomposed);
    expect(keyedDigest(KEY, decomposed)).toBe(keyedDigest(KEY, composed));
  });

  it('hashes numbers and booleans as their text', () => {
    expect(keyedDigest(KEY, 42)).toBe(keyedDigest(KEY, '42'));
    expect(keyedDigest(KEY, true)).toBe(keyedDigest(KEY, 'true'));
  });
});
