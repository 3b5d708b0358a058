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

/**
 * An IPv4 address worth hiding: not loopback, not the unspecified, a
 * network (`x.x.x.0`) or the broadcast address, and not a dotted quad that
 * reads as a version: glued to a letter, `@`, `-` or `_` before it
 * (`v2.1.0.4`, `jjwt-1.2.3.4`), followed by `-<letter>`, `+` or `_`
 * (`5.15.153.1-microsoft-standard-WSL2`), after a word such as "version",
 * "runtime" or "build" (`System.Runtime, Version=4.2.2.0`), or shaped like
 * one: a one-digit first part and parts of at most two digits (`2.1.0.4`,
 * `6.0.0.0`). Addresses of that last shape (1.x to 9.x with small parts)
 * are given up for readable versions; private ranges and most public
 * addresses have a part of two or three digits up front.
 */
export function isIdentifyingIPv4(found: string, text = found, start = 0): boolean {
  if (found.startsWith('127.') || found === '0.0.0.0' || found === '255.255.255.255' || found.endsWith('.0')) return false;
  if (VERSION_SHAPED_QUAD.test(found)) return false;
  const before = text.charCodeAt(start - 1);
  if (isLetterCode(before) || before === 0x40 /* @ */ || before === 0x2d /* - */ || before === 0x5f /* _ */) return false;
  const after = text.slice(start + found.length, start + found.length + 2);
  if (VERSION_TAIL.test(after)) return false;
  return !VERSION_WORD_BEFORE.test(text.slice(Math.max(0, start - 24), start));
}
const VERSION_SHAPED_QUAD = /^[0-9]\.[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{1,2}$/;
const VERSION_TAIL = /^(?:-[A-Za-z]|\+|_)/;
const VERSION_WORD_BEFORE = /(?:version|ver|runtime|sdk|release|build|kernel|framework|firmware|driver|update|patch)[ \t]*[:=]?[ \t]*v?$/i;

function isLetterCode(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
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
 * has; 24 or more random letters in both cases, or in one case mixed with
 * digits; or 32 or more single-case hex characters (API keys; also digests,
 * which an app should declare `hash` or shorten; a 40-character commit id
 * right after "commit", "sha" or `@` stays, and so do digests of public
 * content: `sha512-<base64>`, `sha256:<hex>`). A run with many `/` is read as
 * a path or URL and judged by its segments, since base64 secrets rarely
 * hold more than a couple of slashes; a run of parts joined by `-` or `_`
 * (`abc_<random>`, `v1-<hex>-<hex>`) (or `name=<random>`) is also judged by each long part.
 * Measured on random tokens: catches about 91% of 20-character ones, 98% of
 * 32 and 99% of 40; the prefixed rules catch known token formats whole.
 */
export function isHighEntropyToken(found: string, text = found, start = 0): boolean {
  if (isContentDigest(found, text, start)) return false;
  const segments = found.split('/');
  if (segments.length > 3) return segments.some((segment) => segment.length >= 20 && isRandomOrHasRandomPart(segment));
  if (found.length === 40 && HEX_TOKEN.test(found) && COMMIT_CONTEXT.test(text.slice(Math.max(0, start - 12), start))) return false;
  return isRandomOrHasRandomPart(found);
}
/**
 * A digest of public content, named by its algorithm: a Subresource
 * Integrity string (`sha512-<base64>`, as in lockfiles) or an image digest
 * (`sha256:<hex>`). It identifies a file anyone can fetch, not a person.
 */
function isContentDigest(found: string, text: string, start: number): boolean {
  if (SRI.test(found)) return true;
  return HEX_TOKEN.test(found) && DIGEST_PREFIX.test(text.slice(Math.max(0, start - 8), start));
}
const SRI = /^sha(?:1|256|384|512)-[A-Za-z0-9+/]{27,86}={0,2}$/;
const DIGEST_PREFIX = /(?:sha(?:1|256|384|512)|md5):$/;

// `commit 1a2b…`, `sha: 1a2b…`, `actions/checkout@1a2b…`, `/commit/1a2b…`.
const COMMIT_CONTEXT = /(?:commit|sha1?|rev(?:ision)?|head|ref|tree|blob)[ \t:=/#]{1,3}$|@$/i;

function isRandomOrHasRandomPart(token: string): boolean {
  if (isRandomLooking(token)) return true;
  if (!PART_SEPARATOR.test(token)) return false;
  return token.split(PART_SEPARATOR).some((part) => part.length >= 20 && isRandomLooking(part));
}
const PART_SEPARATOR = /[-_=]/;

function isRandomLooking(token: string): boolean {
  if (token.length < 20) return false;
  if (HEX_TOKEN.test(token)) return token.length >= 32 && HAS_DIGIT.test(token) && HAS_LETTER.test(token) && entropyBits(token) >= 3;
  const upper = HAS_UPPER.test(token);
  const lower = HAS_LOWER.test(token);
  const digit = HAS_DIGIT.test(token);
  const bits = entropyBits(token);
  if (upper && lower && digit) {
    // Written identifiers (`ConfigurationV2Loader1234`) are mostly words; in
    // random text, runs of three or more lower-case letters are rare.
    // Random text changes character class (upper, lower, digit) at about
    // two characters in three; written identifiers about once a word.
    // Random text of length n over ~64 symbols reaches about log2(n) bits per
    // character for short n; text with repeated characters stays below.
    const classChanges = switches(token, classOf) / token.length;
    const mixed = wordShare(token) < 0.5 || classChanges >= 0.4 || (token.length >= 32 && classChanges >= 0.3);
    return mixed && bits >= Math.min(4, 0.85 * Math.log2(token.length));
  }
  // Over a smaller alphabet (one case and digits, ~36 symbols) random text
  // reaches fewer bits per character.
  // Without all three classes, only a run of letters and digits alone is
  // judged: separators mark a structure (`v3-deps-win32-node22`), whose
  // parts are judged on their own.
  if (token.length < 24 || !ALNUM_ONLY.test(token) || bits < Math.min(3.5, 0.75 * Math.log2(token.length))) return false;
  // Random letters in both cases change case about every other character;
  // camelCase words change about twice a word.
  if (upper && lower) return wordShare(token) < 0.5 && switches(token, isUpperCode) >= 0.4 * token.length;
  // One case and digits (base32, base36): letters and digits alternate
  // often, where words with a number glued on do not.
  if ((upper || lower) && digit) return switches(token, isDigitCode) >= 0.2 * token.length && digitShare(token) >= 0.1;
  return false;
}

/** How often `test` changes value between neighbouring characters. */
function switches(token: string, test: (code: number) => boolean | number): number {
  let count = 0;
  let previous = test(token.charCodeAt(0));
  for (let i = 1; i < token.length; i++) {
    const current = test(token.charCodeAt(i));
    if (current !== previous) count++;
    previous = current;
  }
  return count;
}

function digitShare(token: string): number {
  let digits = 0;
  for (let i = 0; i < token.length; i++) if (isDigitCode(token.charCodeAt(i))) digits++;
  return digits / token.length;
}

/** 0 for upper case, 1 for lower case, 2 for digits, 3 for anything else. */
function classOf(code: number): number {
  if (isUpperCode(code)) return 0;
  if (code >= 0x61 && code <= 0x7a) return 1;
  return isDigitCode(code) ? 2 : 3;
}

function isUpperCode(code: number): boolean {
  return code >= 0x41 && code <= 0x5a;
}

function isDigitCode(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
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
const ALNUM_ONLY = /^[A-Za-z0-9]+$/;
const HAS_DIGIT = /\d/;
const HAS_LETTER = /[A-Za-z]/;
const HAS_UPPER = /[A-Z]/;
const HAS_LOWER = /[a-z]/;

/**
 * Base64 (or base64url) of a JSON object: what `ey…` decodes to starts with
 * `{` and then, after blanks, a double quote. A word that happens to start
 * with `ey` (`eyebrow-shape.component`) decodes to `{'` or to bytes that
 * aren't text.
 */
export function isBase64Json(found: string): boolean {
  const start = found.indexOf('ey');
  const head = found.slice(start, start + 16).replace(/[^A-Za-z0-9+/_-].*$/, '');
  return /^\{\s{0,4}"/.test(Buffer.from(head, 'base64url').toString('latin1'));
}

/**
 * A JWT or its kin: header and payload both start `ey` (both are JSON
 * objects), or the first part decodes to a JSON object.
 */
export function isJwtLike(found: string): boolean {
  const dot = found.indexOf('.');
  return found.startsWith('ey', dot + 1) || isBase64Json(found);
}

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
 * redacted) or an expression that names where the secret comes from
 * rather than the secret (`${DB_PASS}`, `$DB_PASS`, `var.db_password`,
 * `process.env.TOKEN`, `os.getenv("TOKEN")`, `{{ .Values.password }}`).
 */
export function isAssignedSecret(found: string): boolean {
  return !PLACEHOLDER.test(found) && !isExpression(found);
}
const PLACEHOLDER = /^(?:true|false|null|nil|none|undefined|yes|no|on|off|\d{1,3}|\*+|x+|\.+|\u2026|-+|=+|\[redacted:.*|\[user\].*|\[other\]|\$[A-Za-z_]\w*|\$[{(].*|\{\{.*|#\{.*|%\w+%|%\(.*|<[^>]*>?|@\w+@)$/i;

/**
 * Code that names a value: a dotted path from a root that holds settings or
 * inputs (`var.db_password`, `secrets.NPM_TOKEN`, `settings.SECRET_KEY`),
 * `.Values.x` (Helm), or a call or index (`os.getenv(`, `ENV[`).
 */
function isExpression(found: string): boolean {
  if (CALL_OR_INDEX.test(found) || HELM_VALUE.test(found)) return true;
  const dotted = DOTTED_PATH.exec(found);
  return dotted !== null && CODE_ROOTS.has(dotted[1] ?? '');
}
const CALL_OR_INDEX = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*[([]/;
const HELM_VALUE = /^\.(?:Values|Release|Chart|Files|Capabilities|Template)(?:\.[A-Za-z_][\w-]*)+$/;
const DOTTED_PATH = /^([A-Za-z_$][\w$]*)(?:\.[A-Za-z_$][\w$-]*)+\}?$/;
const CODE_ROOTS: ReadonlySet<string> = new Set([
  'var', 'local', 'locals', 'module', 'data', 'self', 'this', 'process', 'env', 'ENV', 'Env', 'os', 'config', 'conf', 'cfg',
  'settings', 'Settings', 'props', 'params', 'args', 'secrets', 'vars', 'inputs', 'values', 'Values', 'ctx', 'context',
  'options', 'opts', 'req', 'request', 'app', 'System', 'import', 'window', 'global', 'globalThis', 'steps', 'needs',
  'matrix', 'github', 'each', 'item', 'sys', 'vault', 'keyvault', 'credentials', 'creds', 'cli', 'flags', 'Config',
]);

/**
 * The value of a short name (`DB_PASS`, `stripeKey`, `"auth"`): a secret
 * when it looks like one, since `key: value` and `sortKey: createdAt` are
 * common and harmless. Six or more characters, and a digit, base64 of `user:password`, 12 or more characters in
 * both cases that are not camelCase words, or 20 or more characters; and
 * not a word and a number (`ed25519`) or readable words joined by dashes
 * (`v1-deps-linux-x64`).
 */
export function isWeakNameSecret(found: string): boolean {
  if (found.length < 6 || !isAssignedSecret(found) || isReadableSlug(found)) return false;
  if (HAS_DIGIT.test(found)) return true;
  if (found.length >= 20) return true;
  if (found.length >= 8 && BASE64.test(found) && isBasicCredential(found)) return true;
  return found.length >= 12 && HAS_UPPER.test(found) && HAS_LOWER.test(found) && !CAMEL_WORDS.test(found);
}
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A word and a number (`ed25519`), or words joined by `-`, `_` or `.`, two or more of them readable (`v1-deps-linux-x64`): a name, not a credential. */
function isReadableSlug(found: string): boolean {
  if (WORD_NUMBER.test(found)) return true;
  if (!SLUG.test(found)) return false;
  let words = 0;
  // A part of hex letters only (`faa0` in a UUID) is not a word.
  for (const part of found.split(/[-_.]/)) if (READABLE_PART.test(part) && NOT_HEX.test(part)) words++;
  return words >= 2;
}
const SLUG = /^[a-z0-9]+(?:[-_.][a-z0-9]+)+$/;
// `sha256`, `ed25519`, `node20`: a word and a number.
const WORD_NUMBER = /^[a-z]{2,8}[-_]?[0-9]{1,5}$/;
const READABLE_PART = /^[a-z]{3,}[0-9]{0,4}$/;
const NOT_HEX = /[g-z]/;
const CAMEL_WORDS = /^[A-Za-z][a-z]+(?:[A-Z][a-z]+)*$/;

/** `user:password` (curl -u): a password part, and not a uid:gid pair (`docker run -u 1000:1000`). */
export function isUserPassword(found: string): boolean {
  const colon = found.indexOf(':');
  const password = found.slice(colon + 1);
  return password !== '' && !/^\d+:\d+$/.test(found) && isAssignedSecret(password);
}

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
