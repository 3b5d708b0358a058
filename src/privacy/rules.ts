/**
 * What the scrubber hides in values that leave in clear, kept as data so it
 * can be reviewed on its own: one entry per kind of secret or personal data,
 * the marker it leaves (`[redacted:<id>]`) and, where a shape alone would
 * catch harmless values, a second check.
 *
 * Every pattern must run in time linear in its input. The rules for that:
 * no repeated group that holds an unbounded quantifier (so no group can
 * split the same text in many ways), no two adjacent unbounded quantifiers
 * over overlapping characters (bounded ones, `{0,32}`, cost at most their
 * bound per position), and a one-character lookbehind (or a literal
 * prefix) so a failed attempt inside a long run of the same characters is
 * not retried from every position of that run. Lookbehinds that look
 * further back are bounded (`{0,8}` segments of at most 64 characters).
 * test/unit/scrub-text.test.ts checks the first rule mechanically; `npm run
 * bench` times a 1 MB adversarial value.
 */
import {
  isAssignedSecret,
  isBase64Json,
  isBasicCredential,
  isBearerToken,
  isCardNumber,
  isHighEntropyToken,
  isIdentifyingIPv4,
  isIdentifyingIPv6,
  isJwtLike,
  isOtherUserName,
  isPersonalEmail,
  isUrlCredential,
  isUserPassword,
  isWeakNameSecret,
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
  /**
   * A second look at the part to be replaced; `false` keeps it. `text` and
   * `start` give the surroundings, for the checks that read context (a
   * dotted quad after "version" is a version).
   */
  readonly confirm?: (found: string, text: string, start: number) => boolean;
  /** What replaces the match; default `[redacted:<id>]`. */
  readonly marker?: string;
  /** Text every match holds (one of them, for a list): the pattern isn't run on text without it (a much cheaper test). */
  readonly hint?: string | readonly string[];
  /** Lower-case text every match holds one of, in any case: the pattern isn't run on text without it. */
  readonly words?: readonly string[];
  /** The shortest run of token characters (letters, digits, `+/=_-`) every match holds. */
  readonly minRun?: number;
}

/** Characters of a token-like run (base64, base64url, hex, most API key alphabets). */
const TOKEN = 'A-Za-z0-9+/=_-';

/**
 * Names whose value is a secret whatever it looks like, matched anywhere in
 * a key (`githubToken`, `DB_PASSWORD`, `x-api-key`), case-insensitive.
 */
const SECRET_NAME =
  '(?:pass(?:word|wd|phrase|code)|pwd|secret|token|api[_.-]?key|apikey|access[_.-]?key|private[_.-]?key|credentials?|creds|auth[_.-]?(?:token|key)|account[_.-]?key|shared[_.-]?access[_.-]?key|signing[_.-]?key|encryption[_.-]?key|master[_.-]?key|session[_.-]?key|key[_.-]?data|webhook[_.-]?url|connection[_.-]?string|dsn)';
/** Also `pass` and `pw`, where the name is set apart (quoted, or a variable of its own). */
const DELIMITED_SECRET_NAME = `(?:${SECRET_NAME}|pass|pw)`;
/** What may follow such a name and still name the same value (`password_hash`, `token2`, `secretValue`). */
const NAME_SUFFIX = '(?:[_.-]?(?:key|token|secret|value|string|b64|base64|hash|data|enc|encrypted|plain|text|raw|[0-9]))?';
/**
 * `pass` and `pw` name a password, and `PAT` a personal access token, only
 * as a whole word or the last word of a camelCase or SCREAMING_CASE name
 * (`DB_PASS`, `dbPass`, `x.pass`, `AZURE_DEVOPS_PAT`, `githubPat`):
 * case-sensitive, so `compass`, `bypass` and `pattern` are not read as one
 * (nor `pw` inside base64, `…+pw==`).
 */
const SHORT_SECRET_NAME = "(?:(?<![A-Za-z0-9+/])(?:pass|pw)|(?<=[A-Za-z0-9_$.])(?:Pass|Pw)|(?<![A-Za-z0-9+/])(?:PASS|PW)|(?<![A-Za-z0-9+/])PAT(?![A-Za-z])|(?<=_)pat(?![a-z])|(?<=[a-z0-9])Pat(?![a-z]))";
/**
 * Short or common words that may name a secret (`stripeKey`, `"auth"`,
 * `SIG`), in the same spellings; their values are judged (see
 * isWeakNameSecret), since `key: value` and `sortKey: createdAt` are common.
 */
const WEAK_NAME =
  '(?:(?<![A-Za-z0-9+/])(?:key|auth|sig|salt|pin|otp)|(?<=[A-Za-z0-9_$.])(?:Key|Auth|Sig|Salt|Pin|Otp)|(?<![A-Za-z0-9+/])(?:KEY|AUTH|SIG|SALT|PIN|OTP))';
/** Words one of which every secret-ish name holds, in lower case (a cheap test before the patterns run). */
const NAME_WORDS: readonly string[] = ['pass', 'pw', 'secret', 'token', 'key', 'cred', 'dsn', 'webhook', 'connection'];
/** Characters one of which every connector holds. */
const CONNECTOR_HINTS: readonly string[] = ['=', ':', ',', '('];

/** Quotes and brackets that may close a key (`"token"`, `['token']`, `("token"`), also JSON-escaped. */
const KEY_CLOSE = '(?:\\\\?["\'`\\])]){0,2}';
/** A type between a name and its `=` (`var token string =`, `apiKey: string =`, `api_key: &str =`). */
const TYPE =
  "(?:[ \\t]*:?[ \\t]*(?:string|String|str|SecretStr|Secret|Final|Optional\\[str\\]|&(?:'static[ \\t]+)?str|char[ \\t]*\\*|\\[\\]byte))?";
/**
 * Every way a language or config format ties a value to a name: `=`, `:`
 * (followed by a blank or a quote, so `group:artifact` is not one), `:=`,
 * `::=`, `:::=`, `?=`, `??=`, `.=`, `+=`, `=>`, a comma after a quoted name
 * (`setProperty("X_TOKEN", "…")`, `define('API_KEY', '…')`) or straight
 * after the name (CSV: `apiToken,…,`), and a call with a quoted argument
 * (`setPassword("…")`).
 */
const CONNECT =
  '(?::{1,3}=|\\?\\?=|\\?=|\\.=|\\+=|=>|={1,3}|:(?=[ \\t"\'`\\\\|>]|$)|(?<=["\'`][ \\t]{0,32}),|,(?=[^\\s,])|\\((?=[ \\t]{0,8}\\\\?["\'`]))';
/** An opening quote, also JSON-escaped (`\"`) or C#-verbatim (`@"`), or a YAML block (`token: |` and the value on the next line). */
const OPEN = '(?:[|>][-+]?[0-9]?[ \\t]{0,8}\\r?\\n[ \\t]{1,32}|@?\\\\?["\'`])?';
/**
 * The value: inside quotes, everything up to the closing quote (spaces
 * included, at most 256 characters); otherwise up to a blank or the
 * punctuation that ends a value.
 */
const VALUE = '(?:(?<=["\'`])[^"\'`\\n]{1,256}(?=\\\\?["\'`])|[^\\s"\'`&,;<>]+)';
/** Blanks around a connector; bounded, since `password       = "…"` is common and a run of thousands is not. */
const BLANKS = '[ \\t]{0,32}';

/** `name <connector> value`, for a name from `names`. */
function assignment(names: string): string {
  return `(?<lead>${names}${KEY_CLOSE}${TYPE}${BLANKS}${CONNECT}${BLANKS}${OPEN})${VALUE}`;
}

/**
 * Token formats that name their issuer in a fixed prefix. One entry each,
 * kept whole (prefix and all) so a reader sees what was there.
 */
const PROVIDER_TOKENS = [
  'cf(?:k|ut|at)_[A-Za-z0-9]{48}', // Cloudflare
  'hf_[A-Za-z]{30,40}', // Hugging Face
  'api_org_[A-Za-z]{30,40}', // Hugging Face organisation
  'gsk_[A-Za-z0-9]{40,60}', // Groq
  'tskey-[A-Za-z0-9-]{16,}', // Tailscale
  'AGE-SECRET-KEY-1[0-9A-Z]{50,}', // age
  'ABSK[A-Za-z0-9+/=]{20,}', // Amazon Bedrock API keys
  'bedrock-api-key-[A-Za-z0-9+/=]{20,}', // Amazon Bedrock short-term keys
  'pypi-[A-Za-z0-9_-]{40,}', // PyPI
  'do[opr]_v1_[a-f0-9]{64}', // DigitalOcean
  'shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}', // Shopify
  'dapi[a-f0-9]{32}(?:-[0-9])?', // Databricks
  'dp\\.(?:pt|st|ct|sa|scim|audit)\\.[A-Za-z0-9]{40,44}', // Doppler
  'lin_(?:api|oauth)_[A-Za-z0-9]{40}', // Linear
  'SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}', // SendGrid
  '(?:SK|AC)[0-9a-f]{32}', // Twilio API key and account SIDs
  'xai-[A-Za-z0-9]{40,}', // xAI
  'pplx-[A-Za-z0-9]{40,}', // Perplexity
  'r8_[A-Za-z0-9]{30,}', // Replicate
  'figd_[A-Za-z0-9_-]{30,}', // Figma
  'gl(?:c|sa)_[A-Za-z0-9+/=_-]{30,}', // Grafana
  'sntry[su]_[A-Za-z0-9+/=_-]{30,}', // Sentry
  'sbp_[a-f0-9]{40}', // Supabase
  'sb_secret_[A-Za-z0-9_-]{20,}', // Supabase
  'hv[sbr]\\.[A-Za-z0-9_-]{20,}', // HashiCorp Vault
  '[A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_=-]{40,}', // Terraform Cloud
  'PMAK-[a-f0-9]{24}-[a-f0-9]{34}', // Postman
  'AT(?:ATT|CTT)[A-Za-z0-9_=-]{30,}', // Atlassian
  'NR(?:AK|JS|II)-[A-Za-z0-9]{19,32}', // New Relic
  'pul-[a-f0-9]{40}', // Pulumi
  'key-[a-f0-9]{32}', // Mailgun
  'ntn_[A-Za-z0-9]{40,}', // Notion
  'secret_[A-Za-z0-9]{43}', // Notion (legacy)
  'nfp_[A-Za-z0-9]{36,}', // Netlify
  'pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.-]{30,}', // PlanetScale
  'fo1_[A-Za-z0-9_-]{30,}', // Fly.io
  'sq0(?:atp|csp)-[A-Za-z0-9_-]{22,}', // Square
  'EAAA[A-Za-z0-9_-]{60,}', // Square access tokens
  'HRKU-[A-Za-z0-9_-]{30,}', // Heroku
  'rnd_[A-Za-z0-9]{30,}', // Render
  'dckr_pat_[A-Za-z0-9_-]{20,}', // Docker Hub
  'LTAI[A-Za-z0-9]{12,20}', // Alibaba Cloud
  'GR1348941[A-Za-z0-9_-]{20,}', // GitLab runner registration
  '1//0[A-Za-z0-9_-]{30,}', // Google OAuth refresh tokens
  'AAAAAAAAAAAAAAAAAAAAA[A-Za-z0-9%]{30,}', // Twitter/X app bearer tokens
  '[0-9]{8,10}:AA[A-Za-z0-9_-]{30,}', // Telegram bots
  'CFPAT-[A-Za-z0-9_-]{40,}', // Contentful
  'dnkey-[A-Za-z0-9=_-]{26}-[A-Za-z0-9=_-]{52}', // Defined Networking
  'dt0[a-zA-Z][0-9]{2}\\.[A-Z0-9]{24}\\.[A-Z0-9]{64}', // Dynatrace
  'EZ[AT]K[A-Za-z0-9]{54}', // EasyPost
  'FLW(?:PUB|SEC)K(?:_TEST)?-[a-h0-9]{32}-X', // Flutterwave
  'fio-u-[A-Za-z0-9_=-]{64}', // Frame.io
  'ico-[A-Za-z0-9]{32}', // Infracost
  'AKCp[A-Za-z0-9]{69}', // JFrog API keys
  'cmVmdGtu[A-Za-z0-9]{56}', // JFrog reference tokens
  'oy2[a-z0-9]{43}', // NuGet
  'sha256~[A-Za-z0-9_-]{43}', // OpenShift
  'pnu_[A-Za-z0-9]{36}', // Prefect
  'rdme_[a-z0-9]{70}', // ReadMe
  'rubygems_[a-f0-9]{48}', // RubyGems
  'xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}', // Brevo (Sendinblue)
  'sm_(?:pat|aat|sat)_[A-Za-z0-9]{16}', // SettleMint
  'shippo_(?:live|test)_[a-fA-F0-9]{40}', // Shippo
  'sq[upa]_[a-f0-9]{40}', // SonarQube
  'sgp_(?:[a-fA-F0-9]{16}_)?[a-fA-F0-9]{40}', // Sourcegraph
  'tfp_[A-Za-z0-9_.=-]{59}', // Typeform
  'duffel_(?:test|live)_[A-Za-z0-9_=-]{43}', // Duffel
  'pat\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9]{24}\\.[A-Za-z0-9]{20}', // Harness
  'y[0-3]_[A-Za-z0-9_-]{35,}', // Yandex OAuth
  'YC[A-Za-z0-9_-]{38}', // Yandex API keys
  'A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}', // 1Password secret keys
];

export const SECRET_RULES: readonly ScrubRule[] = [
  {
    id: 'private-key',
    hint: '-----BEGIN ',
    what: 'PEM private key blocks (to the end of the text when the END line is missing)',
    pattern: /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----(?:[^]*?-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----|[^]*)/g,
  },
  {
    id: 'private-key',
    hint: 'LS0tLS1CRUdJT',
    what: 'PEM blocks encoded in base64 (the client-key-data of a kube config)',
    pattern: /LS0tLS1CRUdJT[A-Za-z0-9+/=]*/g,
  },
  {
    id: 'private-key',
    hint: 'PuTTY-User-Key-File-',
    what: 'PuTTY private key files (to the end of the text)',
    pattern: /PuTTY-User-Key-File-[0-9]:[^]*/g,
  },
  {
    id: 'jwt',
    hint: 'ey',
    minRun: 10,
    what: 'JSON Web Tokens and their kin (base64url JSON starting `ey`, two to five dot-separated parts)',
    // Parts may hold `/`, `\\`, `+` and `=`: tokens made to look like JWTs do.
    // The first part can't start inside a run of its own characters, so a
    // failed attempt isn't retried from every position of that run.
    pattern: /(?<![A-Za-z0-9_/\\+-])ey[A-Za-z0-9_/\\+-]{8,}\.[A-Za-z0-9_/\\+=-]{8,}(?:\.[A-Za-z0-9_/\\+=-]*)?(?:\.[A-Za-z0-9_/\\+=-]*)?(?:\.[A-Za-z0-9_/\\+=-]*)?/g,
    confirm: isJwtLike,
  },
  {
    id: 'token',
    hint: 'ey',
    minRun: 19,
    what: 'base64-encoded JSON objects (service account and session tokens: `ops_ey…`, `sntrys_eyJ…`, `sk.eyJ…`)',
    pattern: /(?<![A-Za-z0-9+/_-])(?:[a-z]{2,8}_)?ey[A-Za-z0-9+/_-]{17,}={0,2}/g,
    confirm: isBase64Json,
  },
  {
    id: 'aws-access-key',
    hint: 'A',
    minRun: 20,
    what: 'AWS access key ids (AKIA…, ASIA…)',
    pattern: /(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA|ASCA|A3T[A-Z0-9])[A-Z0-9]{16}(?![A-Z0-9])/g,
  },
  {
    id: 'github-token',
    hint: ['gh', 'github_pat_'],
    minRun: 30,
    what: 'GitHub tokens (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_)',
    pattern: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{22,255})/g,
  },
  {
    id: 'gitlab-token',
    hint: 'gl',
    minRun: 12,
    what: 'GitLab tokens (glpat-, gldt-, glrt-, glptt-, glsoat-, glcbt-, glimt-, glagent-, glffct-)',
    pattern: /(?<![A-Za-z0-9_-])gl(?:pat|dt|rt|ptt|soat|cbt|imt|agent|ffct|oas|ft|wt)-[A-Za-z0-9_.-]{20,}/g,
  },
  {
    id: 'slack-token',
    hint: ['xox', 'xapp'],
    minRun: 15,
    what: 'Slack tokens (xoxb-, xoxp-, xoxa-, xoxr-, xoxs-, xoxe-, xapp-)',
    pattern: /(?<![A-Za-z0-9_-])(?:xox[abposre]|xapp)-[A-Za-z0-9-]{10,}/g,
  },
  {
    id: 'slack-webhook',
    hint: 'hooks.slack.com/',
    what: 'Slack incoming webhook paths',
    pattern: /(?<lead>hooks\.slack\.com\/(?:services|workflows|triggers)\/)[A-Za-z0-9_/-]+/g,
  },
  {
    id: 'webhook',
    hint: 'webhook.office.com/',
    what: 'Microsoft Teams incoming webhook paths',
    pattern: /(?<lead>webhook\.office\.com\/webhookb?2\/)[^\s"'<>]+/g,
  },
  {
    id: 'webhook',
    hint: '/api/webhooks/',
    what: 'Discord webhook paths',
    pattern: /(?<lead>\/api\/webhooks\/)[0-9]{5,}\/[A-Za-z0-9_-]+/g,
  },
  {
    id: 'npm-token',
    hint: 'npm_',
    minRun: 40,
    what: 'npm access tokens (npm_)',
    pattern: /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/g,
  },
  {
    id: 'stripe-key',
    hint: '_',
    minRun: 18,
    what: 'Stripe keys (sk_live_, rk_test_, pk_live_, whsec_)',
    pattern: /(?<![A-Za-z0-9_])(?:[spr]k_(?:live|test)_[A-Za-z0-9]{10,}|whsec_[A-Za-z0-9]{20,})/g,
  },
  {
    id: 'google-key',
    hint: ['AIza', 'GOCSPX-', 'ya29.'],
    minRun: 20,
    what: 'Google API keys (AIza…), OAuth client secrets (GOCSPX-) and access tokens (ya29.)',
    pattern: /(?<![A-Za-z0-9_-])(?:AIza[A-Za-z0-9_-]{35}|GOCSPX-[A-Za-z0-9_-]{28}|ya29\.[A-Za-z0-9_-]{20,})/g,
  },
  {
    id: 'openai-key',
    hint: 'sk-',
    minRun: 23,
    what: 'OpenAI-, Anthropic- and OpenRouter-style keys (sk-proj-, sk-svcacct-, sk-ant-api03-, sk-or-v1-, sk- plus 20 or more characters with a digit)',
    pattern: /(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{20,}/g,
    confirm: (found) => /[0-9]/.test(found),
  },
  {
    id: 'provider-token',
    minRun: 16,
    what: `prefixed tokens of other providers: ${PROVIDER_TOKENS.length} formats (Hugging Face hf_, Groq gsk_, Tailscale tskey-, age AGE-SECRET-KEY-, Bedrock ABSK, PyPI, DigitalOcean, Shopify, Databricks, Doppler, Linear, SendGrid, Twilio, Vault, Atlassian, Azure client secrets, …)`,
    pattern: new RegExp(`(?<![A-Za-z0-9_-])(?:${PROVIDER_TOKENS.join('|')})(?![A-Za-z0-9])`, 'g'),
  },
  {
    id: 'azure-secret',
    hint: 'Q~',
    what: 'Azure AD client secrets (three characters, a digit, `Q~`, then 31 to 34 characters that may hold `~` and `.`)',
    pattern: /(?<![A-Za-z0-9_~.-])[A-Za-z0-9_.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/g,
  },
  {
    id: 'url-credentials',
    hint: '://',
    what: 'user and password in URLs (scheme://user:password@host, also scheme://:password@host)',
    pattern: /(?<lead>(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,20}:\/\/)(?:[^\s/?#@:]+(?::[^\s/?#]*)?|:[^\s/?#]+)(?<trail>@)/g,
    confirm: isUrlCredential,
  },
  {
    id: 'secret',
    words: ['cookie'],
    what: 'the whole value of a Cookie or Set-Cookie header (session ids)',
    pattern: /(?<lead>(?<![A-Za-z0-9_-])(?:set-)?cookie["']?[ \t]{0,8}:[ \t]{0,8}["']?)[^\n"']+/gi,
    confirm: isAssignedSecret,
  },
  {
    id: 'secret',
    hint: ['pass:', 'sshpass'],
    what: 'a password given on a command line as pass:<password> (openssl -passin) or to sshpass -p',
    pattern: /(?<lead>(?<![A-Za-z0-9_-])(?:pass:|sshpass[ \t]{1,8}-p[ \t]{0,8}))[^\s"']+/g,
    confirm: isAssignedSecret,
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
    words: ['authorization'],
    what: 'the credentials of an Authorization header or field, after any scheme (Authorization: token …, Digest …, AWS4-HMAC-SHA256 …)',
    pattern: /(?<lead>(?<![A-Za-z0-9_-])(?:proxy-)?authorization["']?[ \t]{0,8}[:=][ \t]{0,8}["']?(?:[A-Za-z][A-Za-z0-9-]{1,30}[ \t]{1,8})?)[^\s"',;]+/gi,
    confirm: isAssignedSecret,
  },
  {
    id: 'secret',
    hint: '<',
    words: NAME_WORDS,
    what: 'the text of XML elements named like a secret (<password>…</password>, <apiToken>…</apiToken>)',
    pattern: new RegExp(`(?<lead><(?:[A-Za-z0-9_-]{1,40}:)?[A-Za-z0-9_.-]{0,40}${DELIMITED_SECRET_NAME}${NAME_SUFFIX}(?:[ \\t][^<>]{0,200})?>)[^<]{1,512}(?<trail></)`, 'gi'),
    confirm: (found) => isAssignedSecret(found.trim()),
  },
  {
    id: 'secret',
    hint: '<',
    words: NAME_WORDS,
    what: 'the text of an XML element whose key or name attribute is named like a secret (<entry key="password">…</entry>)',
    pattern: new RegExp(`(?<lead><[A-Za-z0-9_:.-]{1,40}[ \\t][^<>]{0,200}?(?<![A-Za-z0-9_])(?:key|name)[ \\t]*=[ \\t]*["'][A-Za-z0-9_.-]{0,40}${DELIMITED_SECRET_NAME}${NAME_SUFFIX}["'][^<>]{0,200}>)[^<]{1,512}(?<trail></)`, 'gi'),
    confirm: (found) => isAssignedSecret(found.trim()),
  },
  {
    id: 'secret',
    hint: ['=', ':'],
    words: NAME_WORDS,
    what: 'the value of a key/value pair whose key is named like a secret (<add key="ClearTextPassword" value="…"/>, name: API_TOKEN / value: …)',
    pattern: new RegExp(
      `(?<lead>(?<![A-Za-z0-9_])(?:key|name)["']?[ \\t]*[:=][ \\t]*["']?[A-Za-z0-9_.-]{0,40}${DELIMITED_SECRET_NAME}${NAME_SUFFIX}["']?(?:[ \\t]*,[ \\t]*|[ \\t]+|[ \\t]*\\r?\\n[ \\t]*-?[ \\t]*)["']?value["']?[ \\t]*[:=][ \\t]*${OPEN})${VALUE}`,
      'gi',
    ),
    confirm: isAssignedSecret,
  },
  {
    id: 'secret',
    hint: CONNECTOR_HINTS,
    words: NAME_WORDS,
    what: 'values assigned to a name like password, secret, token, api key, access key, private key, client secret or credentials, in every syntax (=, :, :=, ::=, ?=, .=, +=, =>, typed declarations, setProperty("X_TOKEN", "…"))',
    pattern: new RegExp(assignment(`${SECRET_NAME}${NAME_SUFFIX}`), 'gi'),
    confirm: isAssignedSecret,
  },
  {
    id: 'secret',
    hint: CONNECTOR_HINTS,
    words: ['pass', 'pw', 'pat'],
    what: 'values assigned to pass, pw or PAT as a word of their own (DB_PASS=, dbPass:, x.pass=, GITHUB_PAT=)',
    pattern: new RegExp(assignment(SHORT_SECRET_NAME), 'g'),
    confirm: isAssignedSecret,
  },
  {
    id: 'secret',
    hint: CONNECTOR_HINTS,
    words: ['key', 'auth', 'sig', 'salt', 'pin', 'otp'],
    what: 'values assigned to short names such as key, auth, sig, salt, pin (stripeKey:, "auth": …) when the value looks like a credential',
    pattern: new RegExp(assignment(WEAK_NAME), 'g'),
    confirm: isWeakNameSecret,
  },
  {
    id: 'secret',
    hint: CONNECTOR_HINTS,
    words: ['client', 'tenant', 'account', 'subscription'],
    what: 'ids that name an account or an app registration (client_id, AZURE_TENANT_ID, aws_account_id, account_sid) when the value looks like one (a digit, six or more characters)',
    pattern: new RegExp(assignment(`(?:client|tenant|account|subscription)[_.-]?(?:id|sid)${NAME_SUFFIX}`), 'gi'),
    confirm: isWeakNameSecret,
  },
  {
    id: 'secret',
    words: ['env', 'arg', 'set'],
    what: 'values given after a blank to a secret-named variable (Dockerfile ENV/ARG, fish set -x, csh setenv)',
    pattern: new RegExp(`(?<lead>(?<![A-Za-z0-9_-])(?:ENV|ARG|setenv|set[ \\t]+-[gxUlu]{1,4})[ \\t]+[A-Za-z0-9_]{0,40}${DELIMITED_SECRET_NAME}[A-Za-z0-9_]{0,20}[ \\t]+["']?)[^\\s=\\\\"'][^\\s"']*`, 'gi'),
    confirm: isAssignedSecret,
  },
  {
    id: 'secret',
    hint: 'password',
    what: 'passwords in .netrc lines (machine … login … password …)',
    pattern: /(?<lead>(?<![A-Za-z0-9_-])(?:machine|default|login)[ \t][^]{0,200}?(?<![A-Za-z0-9_-])password[ \t]+)[^\s]+/g,
    confirm: isAssignedSecret,
  },
  {
    id: 'secret',
    hint: ['-u', '-U'],
    what: 'user:password after curl -u / --user / --proxy-user (the user name goes too: it is personal)',
    pattern: /(?<lead>(?<![A-Za-z0-9_-])(?:-u|-U|--user|--proxy-user)(?:[ \t]{0,8}|=)["']?)[^\s"':]*:[^\s"']+/g,
    confirm: isUserPassword,
  },
  {
    id: 'secret',
    hint: '-u',
    what: 'the password after -p that follows -u <user> (mysql -u root -pS3cret, docker login -u jane -p …)',
    pattern: /(?<lead>(?<![A-Za-z0-9_-])-u[ \t]*[^\s-][^\s]{0,63}[ \t]{1,8}-p[ \t]{0,8})[^\s-][^\s]*/g,
    confirm: isAssignedSecret,
  },
  {
    id: 'secret',
    hint: 'BUNDLE',
    what: 'Bundler credentials (BUNDLE_<HOST>=user:password, bundle config set <host> user:password)',
    pattern: /(?<lead>(?<![A-Za-z0-9_])BUNDLE_[A-Z0-9_]{0,80}__[A-Z0-9_]{1,80}[ \t]*[=:][ \t]*["']?)[^\s"']+/g,
    confirm: isAssignedSecret,
  },
  {
    id: 'secret',
    hint: 'bundle',
    what: 'Bundler credentials given on the command line (bundle config set <host> user:password)',
    pattern: /(?<lead>(?<![A-Za-z0-9_-])bundle[ \t]+config(?:[ \t]+set)?(?:[ \t]+--[a-z]{1,10})?[ \t]+[A-Za-z0-9_-]{1,63}(?:\.[A-Za-z0-9_-]{1,63}){1,6}[ \t]+)[^\s]+/g,
    confirm: isAssignedSecret,
  },
  {
    id: 'secret',
    hint: '-',
    words: ['pass', 'pwd', 'secret', 'token', 'key', 'credential'],
    what: 'values of command-line flags such as --password, --token, --api-key, --client-secret given after a space',
    pattern:
      /(?<lead>(?<![A-Za-z0-9_-])--?(?:[A-Za-z0-9]{1,24}-){0,4}(?:password|passwd|passphrase|pass|pwd|secret|token|api-?key|access-?key|private-?key|signing-?key|encryption-?key|master-?key|account-?key|credentials?)(?:-(?:key|value|data|string|b64|base64))?[ \t]{1,3})[^\s-][^\s]*/gi,
    confirm: isAssignedSecret,
  },
  {
    id: 'token',
    minRun: 20,
    what: 'other machine-made tokens: 20+ characters mixing upper case, lower case and digits with a random spread, 24+ random letters in both cases or one case with digits, 32+ hex characters, also as the last part of a prefixed token (`abc_<random>`)',
    pattern: new RegExp(`(?<![${TOKEN}])[${TOKEN}]{20,}`, 'g'),
    confirm: isHighEntropyToken,
  },
];

/**
 * A command-line flag whose next argument is a secret, for arrays of
 * arguments (`['--password', 'hunter2']`), where the value is an element of
 * its own.
 */
export const SECRET_FLAG_ARGUMENT = /^--?(?:[A-Za-z0-9]{1,24}-){0,4}(?:password|passwd|passphrase|pass|pwd|secret|token|api-?key|access-?key|private-?key|signing-?key|encryption-?key|master-?key|account-?key|credentials?)(?:-(?:key|value|data|string|b64|base64))?$/i;

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
    what: 'IPv4 addresses other than loopback, network (x.x.x.0) and broadcast addresses, and other than dotted quads that read as versions (see isIdentifyingIPv4)',
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
    hint: [':', '-'],
    what: 'hardware (MAC) addresses',
    pattern: /(?<![0-9A-Fa-f:-])[0-9A-Fa-f]{2}(?<sep>[:-])[0-9A-Fa-f]{2}(?:\k<sep>[0-9A-Fa-f]{2}){4}(?![0-9A-Fa-f:-])/g,
  },
];

/** A path segment: what may sit between two separators (spaces too: `/Volumes/Macintosh HD/Users/x`). */
const SEGMENT = '[^\\\\/¥\\t\\n\\r"\'<>|:;,()]{1,64}';
/** A user name: not starting with a dot (`/github/home/.cache` is no one's home). */
const USER_NAME = '[^.\\\\/\\s"\'<>|:;,()[\\]{}=*?`][^\\\\/\\s"\'<>|:;,()[\\]{}=*?`]*';
const WINDOWS_USER_NAME = '[^.\\\\/¥\\t\\n\\r"\'<>|:;,()[\\]{}=*?`][^\\\\/¥\\t\\n\\r"\'<>|:;,()[\\]{}=*?`]*';
const BACKSLASH = '(?:\\\\{1,2}|¥)';
const ANY_SEPARATOR = '(?:\\\\{1,2}|/|¥)';

/**
 * The user-name segment of any home directory, the current user's or
 * another's: `/home/x`, `/var/home/x`, `/Users/x`, `C:\\Users\\x` (also with
 * forward or doubled backslashes, as in JSON, or `¥` as Japanese systems
 * show the backslash), also deeper in an absolute path
 * (`/path/to/Users/x`, `/mnt/c/Users/x`). Windows names may hold spaces
 * (`C:\\Users\\Jane Doe`); on other systems a space ends the name.
 */
export const HOME_SEGMENT_RULES: readonly ScrubRule[] = [
  {
    id: 'user',
    what: 'the user-name segment of /home/<name>, /var/home/<name> and /Users/<name>, also inside a longer absolute path (not in a URL or a relative path)',
    hint: '/',
    // The segments before `/home/` must start an absolute path: at the start
    // of the text, after a blank or punctuation, or after `file://`.
    pattern: new RegExp(`(?<lead>(?<=(?:^|[^A-Za-z0-9_.~/-]|file://)(?:/${SEGMENT}){0,8})/(?:home|Users)/)${USER_NAME}`, 'g'),
    confirm: isAnotherPersonsHome,
    marker: '[user]',
  },
  {
    id: 'user',
    hint: '~',
    what: 'the user name of a ~<name>/ home path',
    pattern: /(?<lead>(?<![A-Za-z0-9_.~/-])~)[a-z_][a-z0-9_.-]{0,31}(?=\/)/g,
    confirm: isAnotherPersonsHome,
    marker: '[user]',
  },
  {
    id: 'user',
    hint: ['\\', '¥', ':'],
    what: 'the user-name segment of C:\\Users\\<name>, C:\\Documents and Settings\\<name>, \\\\server\\Users\\<name> and ¥Users¥<name>, also deeper in a path',
    pattern: new RegExp(
      `(?<lead>(?<![A-Za-z0-9_.~-])(?:[A-Za-z]:${ANY_SEPARATOR}(?:${SEGMENT}${ANY_SEPARATOR}){0,8}|${BACKSLASH}(?:${SEGMENT}${BACKSLASH}){0,8})(?:Users|Documents and Settings)${ANY_SEPARATOR})${WINDOWS_USER_NAME}`,
      'gi',
    ),
    confirm: isAnotherPersonsHome,
    marker: '[user]',
  },
];

/** A home directory's name that is a person's: not shared (`/Users/Shared`), not a role or CI account (`/home/runner`). */
function isAnotherPersonsHome(found: string): boolean {
  return isOtherUserName(found) && !GENERIC_ACCOUNTS.has(found.toLowerCase());
}

/**
 * Account names that name a role or a machine, not a person. Path segments
 * equal to the current user's name are replaced unless it is one of these
 * (replacing `node` or `runner` would mangle ordinary paths), and another
 * user's home keeps its name when it is one of these (`/home/runner/work`
 * on a CI machine).
 */
export const GENERIC_ACCOUNTS: ReadonlySet<string> = new Set([
  'root', 'admin', 'administrator', 'user', 'users', 'guest', 'default', 'public', 'shared', 'node', 'app', 'www-data',
  'nobody', 'runner', 'runneradmin', 'ubuntu', 'debian', 'ec2-user', 'centos', 'fedora', 'vagrant', 'jenkins', 'gitlab-runner',
  'build', 'builder', 'buildkite-agent', 'circleci', 'travis', 'vscode', 'codespace', 'gitpod', 'docker', 'git', 'vsts',
  'vsts_azpcontainer', 'azureuser', 'appveyor', 'semaphore', 'linuxbrew', 'cloudshell-user', 'developer', 'dev',
]);

/** Longest clear value scanned; the rest is cut off first (and marked) so scanning cost stays bounded. */
export const MAX_TEXT_CHARS = 4096;
/** Longest stack trace read before frames are picked out of it. */
export const MAX_STACK_CHARS = 32_768;
/** Frames kept from one stack trace. */
export const MAX_STACK_FRAMES = 50;
/** Appended where a value was cut. */
export const TRUNCATION_MARKER = '…[truncated]';
