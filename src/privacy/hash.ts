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
 * decomposed `"acme"` count as one value.
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
  return nodeCrypto().createHash(algorithm).update(input, 'utf8').digest('hex');
}

/** HMAC-SHA256 of already-normalized text, truncated to DIGEST_HEX_LENGTH. */
export function hmacHex(key: Uint8Array, text: string): string {
  return nodeCrypto().createHmac('sha256', key).update(text, 'utf8').digest('hex').slice(0, DIGEST_HEX_LENGTH);
}

/** How `hash` keys leave, in words, for the "what we collect" document. */
export function describeHashing(algorithm: HashAlgorithm): string {
  if (algorithm === 'hmac-sha256') {
    return `HMAC-SHA256 with a random key created on this machine and never sent, truncated to ${DIGEST_HEX_LENGTH} hex characters; deleting the key (\`telemetry disable\`) makes past digests unlinkable.`;
  }
  return `plain ${algorithm === 'sha256' ? 'SHA-256' : 'MD5'} of the value, without a key (for compatibility): anyone can find a value by hashing a list of likely ones.`;
}
