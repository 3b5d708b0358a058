import { nodeCrypto } from '../node-crypto.js';
import type { HashAlgorithm } from '../config/options.js';

/** Hex characters kept from the HMAC-SHA256 digest: 64 bits. */
export const DIGEST_HEX_LENGTH = 16;

export const DEFAULT_HASH_ALGORITHM: HashAlgorithm = 'hmac-sha256';

const ALGORITHMS: ReadonlySet<string> = new Set<HashAlgorithm>(['hmac-sha256', 'sha256', 'md5']);

export function isHashAlgorithm(value: unknown): value is HashAlgorithm {
  return typeof value === 'string' && ALGORITHMS.has(value);
}

/**
 * What is hashed: the value as text, Unicode-normalized (NFC) with
 * surrounding whitespace trimmed, so that `"acme"`, `" acme"` and a
 * decomposed `"acme"` count as one value. The text is then encoded as
 * UTF-8 (see canonicalBytes).
 */
export function hashInput(value: string | number | boolean): string {
  return String(value).normalize('NFC').trim();
}

/**
 * Keyed hash of one value. The key is random per install and never leaves
 * the machine, so a digest can't be reversed by hashing a dictionary of
 * likely values, and the same value on two machines gives unrelated digests.
 */
export function keyedDigest(key: Uint8Array, value: string | number | boolean): string {
  return hmacHex(key, hashInput(value));
}

/**
 * The digest of one value under `algorithm`. `sha256` and `md5` are unkeyed
 * and untruncated (64 and 32 hex characters), so they match what other tools
 * compute for the same normalized text; they ignore `key`.
 */
export function digestValue(value: string | number | boolean, key: Uint8Array, algorithm: HashAlgorithm): string {
  const input = hashInput(value);
  if (algorithm === 'hmac-sha256') return hmacHex(key, input);
  return nodeCrypto().createHash(algorithm).update(canonicalBytes(input)).digest('hex');
}

/** HMAC-SHA256 of already-normalized text, truncated to DIGEST_HEX_LENGTH. */
export function hmacHex(key: Uint8Array, text: string): string {
  return nodeCrypto().createHmac('sha256', key).update(canonicalBytes(text)).digest('hex').slice(0, DIGEST_HEX_LENGTH);
}

/**
 * The bytes hashed for `text`: its UTF-8 encoding. A JavaScript string may
 * be ill-formed UTF-16 (a lone surrogate, `'\ud800'`), which plain UTF-8
 * encoding turns into U+FFFD, so `'\ud800'`, `'\udfff'` and `'\ufffd'`
 * would give one digest. A lone surrogate is encoded instead as the three
 * bytes its code point would take (ED A0 80 for U+D800: the "generalized
 * UTF-8" known as WTF-8). Those bytes never occur in valid UTF-8, so
 * distinct strings give distinct bytes, and a well-formed string's bytes
 * (and digest) are exactly its UTF-8.
 */
export function canonicalBytes(text: string): Buffer {
  if (!LONE_SURROGATE.test(text)) return Buffer.from(text, 'utf8');
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      // A pair: the code point it encodes, in four bytes.
      const point = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
      bytes.push(0xf0 | (point >> 18), 0x80 | ((point >> 12) & 0x3f), 0x80 | ((point >> 6) & 0x3f), 0x80 | (point & 0x3f));
      i++;
    } else if (code < 0x80) {
      bytes.push(code);
    } else if (code < 0x800) {
      bytes.push(0xc0 | (code >> 6), 0x80 | (code & 0x3f));
    } else {
      // Also a lone surrogate, as its own code point.
      bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
    }
  }
  return Buffer.from(bytes);
}
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** How `hash` keys leave, in words, for the "what we collect" document. */
export function describeHashing(algorithm: HashAlgorithm): string {
  if (algorithm === 'hmac-sha256') {
    return `HMAC-SHA256 with a random key created on this machine and never sent, truncated to ${DIGEST_HEX_LENGTH} hex characters; deleting the key (\`telemetry disable\`) makes past digests unlinkable.`;
  }
  return `plain ${algorithm === 'sha256' ? 'SHA-256' : 'MD5'} of the value, without a key (for compatibility): anyone can find a value by hashing a list of likely ones.`;
}
