/**
 * What the scrubber hides in values that leave in clear, kept as data so it
 * can be reviewed on its own: one entry per kind of secret or personal data,
 * the marker it leaves (`[redacted:<id>]`) and, where a shape alone would
 * catch harmless values, a second check.
 *
 * Every pattern must run in time linear in its input. The rules for that:
 * no repeated group that holds an unbounded quantifier (so no group can
 * split the same text in many ways), no two adjacent unbounded quantifiers
 * over overlapping characters, and a one-character lookbehind (or a literal
 * prefix) so a failed attempt inside a long run of the same characters is
 * not retried from every position of that run. test/unit/scrub-text.test.ts
 * checks the first rule mechanically; `npm run bench` times a 1 MB
 * adversarial value.
 */
import {
  isAssignedSecret,
  isBasicCredential,
  isBearerToken,
  isCardNumber,
  isHighEntropyToken,
  isIdentifyingIPv4,
  isIdentifyingIPv6,
  isOtherUserName,
  isPersonalEmail,
  isUrlCredential,
} from './rule-checks.js';

export interface ScrubRule {
  /** Names the marker, `[redacted:<id>]`. */
  readonly id: string;
  /** What it catches, in words, for reviewers and the docs. */
  readonly what: string;
  /**
   * Global. The named groups `lead` and `trail`, when present, are kept
   * around the marker (`password=[redacted:secret]`); the rest of the match
   * is replaced.
   */
  readonly pattern: RegExp;
  /** A second look at the part to be replaced; `false` keeps it. */
  readonly confirm?: (found: string) => boolean;
  /** What replaces the match; default `[redacted:<id>]`. */
  readonly marker?: string;
  /** Text every match holds: the pattern isn't run on text without it (a much cheaper test). */
  readonly hint?: string;
}

/** Characters of a token-like run (base64, base64url, hex, most API key alphabets). */
const TOKEN = 'A-Za-z0-9+/=_-';

export const SECRET_RULES: readonly ScrubRule[] = [
  {
    id: 'private-key',
    hint: '-----BEGIN ',
    what: 'PEM private key blocks (to the end of the text when the END line is missing)',
    pattern: /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----(?:[^]*?-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----|[^]*)/g,
  },
  {
    id: 'jwt',
    hint: 'eyJ',
    what: 'JSON Web Tokens (header.payload.signature)',
    pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
  },
  {
    id: 'aws-access-key',
    what: 'AWS access key ids (AKIA…, ASIA…)',
    pattern: /(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA|ASCA|A3T[A-Z0-9])[A-Z0-9]{16}(?![A-Z0-9])/g,
  },
  {
    id: 'github-token',
    what: 'GitHub tokens (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_)',
    pattern: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{22,255})/g,
  },
  {
    id: 'gitlab-token',
    hint: 'gl',
    what: 'GitLab tokens (glpat-, gldt-, glrt-, glptt-, glsoat-, glcbt-, glimt-, glagent-, glffct-)',
    pattern: /(?<![A-Za-z0-9_-])gl(?:pat|dt|rt|ptt|soat|cbt|imt|agent|ffct|oas|ft)-[A-Za-z0-9_-]{20,}/g,
  },
  {
    id: 'slack-token',
    what: 'Slack tokens (xoxb-, xoxp-, xoxa-, xoxr-, xoxs-, xapp-)',
    pattern: /(?<![A-Za-z0-9_-])(?:xox[abposre]|xapp)-[A-Za-z0-9-]{10,}/g,
  },
  {
    id: 'slack-webhook',
    hint: 'hooks.slack.com/',
    what: 'Slack incoming webhook paths',
    pattern: /(?<lead>hooks\.slack\.com\/(?:services|workflows|triggers)\/)[A-Za-z0-9_/-]+/g,
  },
  {
    id: 'npm-token',
    hint: 'npm_',
    what: 'npm access tokens (npm_)',
    pattern: /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/g,
  },
  {
    id: 'stripe-key',
    hint: '_',
    what: 'Stripe keys (sk_live_, rk_test_, pk_live_, whsec_)',
    pattern: /(?<![A-Za-z0-9_])(?:[spr]k_(?:live|test)_[A-Za-z0-9]{10,}|whsec_[A-Za-z0-9]{20,})/g,
  },
  {
    id: 'google-key',
    what: 'Google API keys (AIza…), OAuth client secrets (GOCSPX-) and access tokens (ya29.)',
    pattern: /(?<![A-Za-z0-9_-])(?:AIza[A-Za-z0-9_-]{35}|GOCSPX-[A-Za-z0-9_-]{28}|ya29\.[A-Za-z0-9_-]{20,})/g,
  },
  {
    id: 'openai-key',
    hint: 'sk-',
    what: 'OpenAI- and Anthropic-style keys (sk-proj-, sk-svcacct-, sk-ant-, sk- plus 32 or more letters and digits)',
    pattern: /(?<![A-Za-z0-9_-])sk-(?:(?:proj|svcacct|admin|ant)-[A-Za-z0-9_-]{20,}|[A-Za-z0-9]{32,}(?![A-Za-z0-9_-]))/g,
  },
  {
    id: 'url-credentials',
    hint: '://',
    what: 'user and password in URLs (scheme://user:password@host)',
    pattern: /(?<lead>(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,20}:\/\/)[^\s/?#@:]+(?::[^\s/?#@]*)?(?<trail>@)/g,
    confirm: isUrlCredential,
  },
  {
    id: 'bearer',
    hint: 'earer',
    what: 'bearer tokens (Authorization: Bearer …)',
    pattern: /(?<lead>(?<![A-Za-z])[Bb]earer[ \t]{1,8})[A-Za-z0-9._~+/-]+=*/g,
    confirm: isBearerToken,
  },
  {
    id: 'basic-auth',
    hint: 'asic',
    what: 'basic credentials (Authorization: Basic base64(user:password))',
    pattern: /(?<lead>(?<![A-Za-z])[Bb]asic[ \t]{1,8})[A-Za-z0-9+/]{6,}={0,2}/g,
    confirm: isBasicCredential,
  },
  {
    id: 'secret',
    what: 'values assigned to password, secret, token, api key, access key, private key, client secret or credentials (key=value, key: value, "key": "value")',
    pattern:
      /(?<lead>(?:password|passwd|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|credentials?|auth[_-]?(?:token|key))(?:[_.-]?(?:key|token|secret|value|string|b64|base64|hash))?["']?[ \t]{0,3}[:=][ \t]{0,3}["']?)[^\s"'&,;<>]+/gi,
    confirm: isAssignedSecret,
  },
  {
    id: 'secret',
    what: 'values of command-line flags such as --password, --token, --api-key, --client-secret given after a space',
    hint: '-',
    pattern:
      /(?<lead>(?<![A-Za-z0-9_-])--?(?:[A-Za-z0-9]{1,24}-){0,3}(?:password|passwd|passphrase|secret|token|api-?key|access-?key|private-?key)[ \t]{1,3})[^\s-][^\s]*/gi,
    confirm: isAssignedSecret,
  },
  {
    id: 'token',
    what: 'other high-entropy tokens: 20+ characters mixing upper case, lower case and digits with a random spread, or 32+ hex characters',
    pattern: new RegExp(`(?<![${TOKEN}])[${TOKEN}]{20,}`, 'g'),
    confirm: isHighEntropyToken,
  },
];

/**
 * A command-line flag whose next argument is a secret, for arrays of
 * arguments (`['--password', 'hunter2']`), where the value is an element of
 * its own.
 */
export const SECRET_FLAG_ARGUMENT = /^--?(?:[A-Za-z0-9]{1,24}-){0,3}(?:password|passwd|passphrase|secret|token|api-?key|access-?key|private-?key)$/i;

export const PERSONAL_RULES: readonly ScrubRule[] = [
  {
    id: 'email',
    hint: '@',
    what: 'email addresses',
    pattern: /(?<![A-Za-z0-9_%+])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}/g,
    confirm: isPersonalEmail,
  },
  {
    id: 'card',
    what: 'payment card numbers (issuer prefix, length and Luhn check), with or without spaces or dashes, not glued to letters (digits inside a hex digest or an identifier are not a card)',
    pattern: /(?<![0-9A-Za-z])[0-9](?:[ -]?[0-9]){12,18}(?![0-9A-Za-z])/g,
    confirm: isCardNumber,
  },
  {
    id: 'ip',
    what: 'IPv4 addresses other than loopback',
    hint: '.',
    pattern: /(?<![0-9.])(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?![0-9]|\.[0-9])/g,
    confirm: isIdentifyingIPv4,
  },
  {
    id: 'ip',
    what: 'IPv6 addresses other than loopback (full, compressed, with a zone or an IPv4 tail)',
    hint: ':',
    // The dotted tail is tried first, and a hex group may not be followed by a
    // dot, so `::ffff:10.1.2.3` (also with `:port` after it) is never cut after `10`.
    pattern: /(?<![A-Za-z0-9:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:[0-9]{1,3}\.){3}[0-9]{1,3}|[0-9A-Fa-f]{1,4}(?!\.))?(?:%[A-Za-z0-9_.]{1,32})?(?![A-Za-z0-9:])/g,
    confirm: isIdentifyingIPv6,
  },
  {
    id: 'mac',
    what: 'hardware (MAC) addresses',
    pattern: /(?<![0-9A-Fa-f:-])[0-9A-Fa-f]{2}(?<sep>[:-])[0-9A-Fa-f]{2}(?:\k<sep>[0-9A-Fa-f]{2}){4}(?![0-9A-Fa-f:-])/g,
  },
];

/**
 * The user-name segment of any home directory, the current user's or
 * another's: `/home/x`, `/var/home/x`, `/Users/x`, `C:\\Users\\x` (also with
 * forward or doubled backslashes, as in JSON). Windows names may hold spaces
 * (`C:\\Users\\Jane Doe`); on other systems a space ends the name.
 */
export const HOME_SEGMENT_RULES: readonly ScrubRule[] = [
  {
    id: 'user',
    what: 'the user-name segment of /home/<name>, /var/home/<name> and /Users/<name>',
    hint: '/',
    pattern: /(?<lead>(?<![A-Za-z0-9_.~-])(?:\/var|\/export)?\/(?:home|Users)\/)[^\\/\s"'<>|:;,()[\]{}=*?`]+/g,
    confirm: isOtherUserName,
    marker: '[user]',
  },
  {
    id: 'user',
    what: 'the user-name segment of C:\\Users\\<name> and C:\\Documents and Settings\\<name>',
    hint: ':',
    pattern: /(?<lead>(?<![A-Za-z0-9_.~-])[A-Za-z]:(?:\\{1,2}|\/)(?:Users|Documents and Settings)(?:\\{1,2}|\/))[^\\/\t\n\r"'<>|:;,()[\]{}=*?`]+/gi,
    confirm: isOtherUserName,
    marker: '[user]',
  },
];

/**
 * Account names that name a role or a machine, not a person. Path segments
 * equal to the current user's name are replaced unless it is one of these
 * (replacing `node` or `runner` would mangle ordinary paths).
 */
export const GENERIC_ACCOUNTS: ReadonlySet<string> = new Set([
  'root', 'admin', 'administrator', 'user', 'users', 'guest', 'default', 'public', 'shared', 'node', 'app', 'www-data',
  'nobody', 'runner', 'ubuntu', 'debian', 'ec2-user', 'centos', 'fedora', 'vagrant', 'jenkins', 'gitlab-runner',
  'build', 'builder', 'buildkite-agent', 'circleci', 'travis', 'vscode', 'codespace', 'gitpod', 'docker', 'git',
]);

/** Longest clear value scanned; the rest is cut off first (and marked) so scanning cost stays bounded. */
export const MAX_TEXT_CHARS = 4096;
/** Longest stack trace read before frames are picked out of it. */
export const MAX_STACK_CHARS = 32_768;
/** Frames kept from one stack trace. */
export const MAX_STACK_FRAMES = 50;
/** Appended where a value was cut. */
export const TRUNCATION_MARKER = '…[truncated]';
