/**
 * The second look some rules take at what their pattern found, so that a
 * harmless value that merely has the right shape (a timestamp, a version
 * number, a long identifier) stays readable. Each runs in time linear in
 * what it is given.
 */

/** A card number: a known issuer prefix, a length that issuer uses, and a valid Luhn check digit. */
export function isCardNumber(found: string): boolean {
  const digits = found.replace(/[ -]/g, '');
  if (!CARD_LENGTH.test(digits) || !CARD_ISSUER.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}
const CARD_LENGTH = /^\d{13,19}$/;
// Visa, Mastercard (51-55, 2221-2720), Amex, Discover, JCB, Diners, UnionPay, Maestro.
const CARD_ISSUER = /^(?:4|5[1-5]|2(?:22[1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720)|3[47]|6(?:011|4[4-9]|5|2)|35(?:2[89]|[3-8]\d)|3(?:0[0-5]|[68])|5[06-8]|6[37])/;

/** An IPv4 address worth hiding: not loopback, not the unspecified or broadcast address. */
export function isIdentifyingIPv4(found: string): boolean {
  return !found.startsWith('127.') && found !== '0.0.0.0' && found !== '255.255.255.255';
}

/**
 * A syntactically valid IPv6 address (optionally with a zone or an embedded
 * IPv4 tail) other than loopback and unspecified. Rejects lookalikes such as
 * clock times (`12:30:45`) and C++ names (`a::b::c` with non-hex parts never
 * reach here).
 */
export function isIdentifyingIPv6(found: string): boolean {
  const address = found.split('%')[0] ?? '';
  if (address === '::' || address === '::1') return false;
  const doubles = address.split('::');
  if (doubles.length > 2) return false;
  let groups = 0;
  let hexDigits = 0;
  for (const half of doubles) {
    if (half === '') continue;
    const parts = half.split(':');
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] ?? '';
      const last = half === doubles[doubles.length - 1] && i === parts.length - 1;
      if (last && part.includes('.')) {
        if (!/^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/.test(part)) return false;
        groups += 2;
        hexDigits += 4;
        continue;
      }
      if (!/^[0-9A-Fa-f]{1,4}$/.test(part)) return false;
      groups++;
      hexDigits += part.length;
    }
  }
  if (isLoopbackOrUnspecified(address)) return false;
  if (doubles.length === 2) return groups <= 7 && hexDigits >= 3;
  return groups === 8;
}

/** `::1` and `::` in any spelling (`0:0:0:0:0:0:0:1`, `0::1`, `::ffff:127.0.0.1`). */
function isLoopbackOrUnspecified(address: string): boolean {
  const mappedV4 = /^(?:0{0,4}:){0,5}(?:0{0,4}:)?ffff:(\d{1,3})\.\d{1,3}\.\d{1,3}\.\d{1,3}$/i.exec(address);
  if (mappedV4) return mappedV4[1] === '127';
  const [head = '', tail] = address.split('::');
  const groups = [...(head === '' ? [] : head.split(':')), ...(tail === undefined || tail === '' ? [] : tail.split(':'))];
  if (groups.some((group) => !/^[0-9A-Fa-f]{1,4}$/.test(group))) return false;
  const values = groups.map((group) => parseInt(group, 16));
  const last = tail === undefined ? values[values.length - 1] : tail === '' ? 0 : values[values.length - 1];
  const rest = tail === undefined || tail === '' ? values.slice(0, tail === '' ? values.length : -1) : values.slice(0, -1);
  return rest.every((value) => value === 0) && (last === 0 || last === 1);
}

/** Shannon entropy in bits per character. */
export function entropyBits(text: string): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * A run of token characters that looks machine-generated rather than
 * written: 20 or more characters mixing upper case, lower case and digits,
 * not made mostly of words, with the spread of characters a random string
 * has; or 32 or more single-case hex characters (API keys; also commit ids
 * and digests, which an app should declare `hash` or shorten). A run with
 * many `/` is read as a path or URL and judged by its segments, since
 * base64 secrets rarely hold more than a couple of slashes. Measured on
 * random tokens: catches about 91% of 20-character ones, 98% of 32 and 99%
 * of 40; the prefixed rules catch known token formats whole.
 */
export function isHighEntropyToken(found: string): boolean {
  const segments = found.split('/');
  if (segments.length > 3) return segments.some((segment) => segment.length >= 20 && isRandomLooking(segment));
  return isRandomLooking(found);
}

function isRandomLooking(token: string): boolean {
  if (token.length < 20) return false;
  if (HEX_TOKEN.test(token)) return token.length >= 32 && HAS_DIGIT.test(token) && HAS_LETTER.test(token) && entropyBits(token) >= 3;
  if (!HAS_UPPER.test(token) || !HAS_LOWER.test(token) || !HAS_DIGIT.test(token)) return false;
  // Written identifiers (`ConfigurationV2Loader1234`) are mostly words; in
  // random text, runs of three or more lower-case letters are rare.
  if (wordShare(token) >= 0.5) return false;
  // Random text of length n over ~64 symbols reaches about log2(n) bits per
  // character for short n; text with repeated characters stays below.
  return entropyBits(token) >= Math.min(4, 0.85 * Math.log2(token.length));
}

/** The share of characters in word-like runs: an optional capital and three or more lower-case letters. */
function wordShare(token: string): number {
  let inWords = 0;
  WORD.lastIndex = 0;
  for (let match = WORD.exec(token); match !== null; match = WORD.exec(token)) inWords += match[0].length;
  return inWords / token.length;
}
const WORD = /[A-Z]?[a-z]{3,}/g;
const HEX_TOKEN = /^(?:[0-9a-f]+|[0-9A-F]+)$/;
const HAS_DIGIT = /\d/;
const HAS_LETTER = /[A-Za-z]/;
const HAS_UPPER = /[A-Z]/;
const HAS_LOWER = /[a-z]/;

/** `Basic <base64>` credentials decode to `user:password`; a word after "basic" does not. */
export function isBasicCredential(found: string): boolean {
  return Buffer.from(found, 'base64').toString('latin1').includes(':');
}

/** A bearer token, not an English word after "bearer": long, or with a digit. */
export function isBearerToken(found: string): boolean {
  return found.length >= 32 || (found.length >= 12 && HAS_DIGIT.test(found));
}

/**
 * The value of a `password=` / `token:` style assignment, unless it is a
 * placeholder (empty-ish, a boolean, a small number, masked, already
 * redacted, a variable reference).
 */
export function isAssignedSecret(found: string): boolean {
  return !PLACEHOLDER.test(found);
}
const PLACEHOLDER = /^(?:true|false|null|nil|none|undefined|yes|no|\d{1,3}|\*+|x+|\.+|\[redacted:.*|\$\{?\w*\}?|%\w+%|<[^>]*>?)$/i;

/** Local parts that name a service account, not a person (`git@github.com:org/repo`). */
export function isPersonalEmail(found: string): boolean {
  const at = found.lastIndexOf('@');
  const local = found.slice(0, at).toLowerCase();
  const tld = found.slice(found.lastIndexOf('.') + 1).toLowerCase();
  return local !== 'git' && !/\d/.test(tld) && !FILE_EXTENSIONS.has(tld);
}
// `logo@2x.png`, `chunk@main.js`: asset names, not addresses.
const FILE_EXTENSIONS: ReadonlySet<string> = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'ico', 'js', 'mjs', 'cjs', 'ts', 'tsx', 'jsx', 'json', 'css', 'map', 'html', 'md', 'txt', 'wasm', 'gz', 'tgz']);

/** The credentials part of `scheme://user:password@host`; `git@` alone is a service account. */
export function isUrlCredential(found: string): boolean {
  return found !== 'git' && !found.startsWith('[redacted:');
}

/** Home-directory names shared by everyone (`/Users/Shared`, `C:\\Users\\Public`), or already replaced. */
export function isOtherUserName(found: string): boolean {
  return !SHARED_HOMES.has(found.toLowerCase()) && found !== '[user]';
}
const SHARED_HOMES: ReadonlySet<string> = new Set(['shared', 'public', 'default', 'default user', 'all users', 'guest']);
