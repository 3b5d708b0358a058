import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTelemetry } from '../../src/index.js';
import { canonicalBytes, DIGEST_HEX_LENGTH, digestValue, isHashAlgorithm, keyedDigest } from '../../src/privacy/hash.js';
import { tempDir } from '../support/child.js';

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

describe('digestValue and the hash option', () => {
  it('is the keyed digest by default, and the plain untruncated digest of the normalized value for sha256 and md5', async () => {
    const { createHash } = await import('node:crypto');
    expect(digestValue(' acme ', KEY, 'hmac-sha256')).toBe(keyedDigest(KEY, 'acme'));
    expect(digestValue(' acme ', KEY, 'sha256')).toBe(createHash('sha256').update('acme').digest('hex'));
    expect(digestValue(' acme ', KEY, 'md5')).toBe(createHash('md5').update('acme').digest('hex'));
    expect(digestValue('acme', OTHER_KEY, 'sha256')).toBe(digestValue('acme', KEY, 'sha256'));
  });

  it('knows exactly the three algorithms', () => {
    for (const name of ['hmac-sha256', 'sha256', 'md5']) expect(isHashAlgorithm(name)).toBe(true);
    for (const name of ['sha1', 'HMAC-SHA256', '', undefined, 5]) expect(isHashAlgorithm(name)).toBe(false);
  });

  it('an unknown algorithm falls back to the keyed default, with a warning; describe() says how keys are hashed', () => {
    const base = { app: { name: 'acme' }, endpoint: 'https://telemetry.acme.example', configDir: tempDir(), env: {} };
    const unknown = createTelemetry({ ...base, hash: { algorithm: 'sha1' as 'md5' } });
    expect(unknown.diagnostics().map((d) => d.message).join('\n')).toContain('hash.algorithm "sha1" is not hmac-sha256, sha256 or md5; using hmac-sha256');
    expect(unknown.describe()).toContain('HMAC-SHA256 with a random key');
    expect(createTelemetry({ ...base, hash: { algorithm: 'md5' } }).describe()).toContain('plain MD5 of the value, without a key');
  });
});

describe('ill-formed UTF-16 (lone surrogates)', () => {
  it('gives distinct digests for a lone high surrogate, a lone low surrogate and the replacement character', () => {
    const digests = ['\ud800', '\udfff', '\ufffd', 'a\ud800b', 'a\udc00b', 'a\ufffdb'].map((value) => keyedDigest(KEY, value));
    expect(new Set(digests).size).toBe(digests.length);
    for (const algorithm of ['sha256', 'md5'] as const) {
      expect(digestValue('\ud800', KEY, algorithm)).not.toBe(digestValue('\ufffd', KEY, algorithm));
    }
  });

  it('encodes a lone surrogate as the three bytes of its code point (WTF-8), which valid UTF-8 never holds', () => {
    expect([...canonicalBytes('\ud800')]).toEqual([0xed, 0xa0, 0x80]);
    expect([...canonicalBytes('x\udfff')]).toEqual([0x78, 0xed, 0xbf, 0xbf]);
    // A pair next to a lone surrogate is still one four-byte character.
    expect([...canonicalBytes('\ud83d\ude00\ud800')]).toEqual([0xf0, 0x9f, 0x98, 0x80, 0xed, 0xa0, 0x80]);
  });

  it("leaves a well-formed string's bytes, and so its digest, exactly as plain UTF-8 gives them", async () => {
    const { createHash, createHmac } = await import('node:crypto');
    for (const value of ['acme', 'café ☕ 日本語', 'emoji 😀 pair', '']) {
      expect(canonicalBytes(value).equals(Buffer.from(value, 'utf8'))).toBe(true);
      expect(keyedDigest(KEY, value)).toBe(createHmac('sha256', KEY).update(value.trim(), 'utf8').digest('hex').slice(0, 16));
      expect(digestValue(value, KEY, 'sha256')).toBe(createHash('sha256').update(value.trim(), 'utf8').digest('hex'));
    }
  });
});
