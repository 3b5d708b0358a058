import { createHmac } from 'node:crypto';

/** Hex characters kept from the HMAC-SHA256 digest: 64 bits. */
export const DIGEST_HEX_LENGTH = 16;

/**
 * Keyed hash of one value. The key is random per install and never leaves
 * the machine, so a digest can't be reversed by hashing a dictionary of
 * likely values, and the same value on two machines gives unrelated digests.
 * Values are normalized first (Unicode NFC, surrounding whitespace trimmed)
 * so that `"acme"` and `" acme"` count as one.
 */
export function keyedDigest(key: Uint8Array, value: string | number | boolean): string {
  const normalized = String(value).normalize('NFC').trim();
  return createHmac('sha256', key).update(normalized, 'utf8').digest('hex').slice(0, DIGEST_HEX_LENGTH);
}
