/**
 * Corpora for the scrubber, generated at random on every run from public
 * formats: providers' documented token shapes, the key/value syntaxes of
 * the common languages and config files, command lines and home paths. No
 * sample is written down anywhere: each value is drawn fresh, so a leak
 * can't be a coincidence and no real-looking secret sits in the repository.
 *
 * `secretCorpus()` gives values that must not leave; `harmlessCorpus()`
 * gives realistic clear values that must leave exactly as they are.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { release, type, version } from 'node:os';

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = UPPER + LOWER + DIGITS;
const HEX = '0123456789abcdef';
const B64URL = `${ALNUM}_-`;
const BASE32 = `${UPPER}234567`;

export interface SecretSample {
  /** Group the figures are reported by. */
  readonly kind: string;
  /** The form, for a failure message. */
  readonly form: string;
  readonly text: string;
  /** What must not reach the collector, whole or in part. */
  readonly needles: readonly string[];
}

export interface HarmlessSample {
  readonly kind: string;
  readonly text: string;
}

/** `length` characters drawn from `alphabet`. */
export function draw(length: number, alphabet: string): string {
  let out = '';
  for (const byte of randomBytes(length * 2)) {
    if (out.length === length) break;
    // Rejection keeps every character equally likely.
    if (byte < 256 - (256 % alphabet.length)) out += alphabet[byte % alphabet.length];
  }
  return out.length === length ? out : out + draw(length - out.length, alphabet);
}

/** Like draw, with at least one character of each of the given classes. */
function drawWith(length: number, alphabet: string, classes: readonly string[]): string {
  for (;;) {
    const text = draw(length, alphabet);
    if (classes.every((set) => [...text].some((c) => set.includes(c)))) return text;
  }
}

function pick<T>(items: readonly T[]): T {
  return items[randomInt(items.length)] as T;
}

function between(min: number, max: number): number {
  return randomInt(min, max + 1);
}

const b64 = (text: string): string => Buffer.from(text).toString('base64');
const b64url = (bytes: number): string => randomBytes(bytes).toString('base64url');

/** A person's login name: never a role account, never a word the templates hold. */
function userName(): string {
  return pick([
    () => `${draw(1, LOWER)}${draw(between(4, 8), LOWER)}`,
    () => `${draw(between(3, 6), LOWER)}.${draw(between(3, 7), LOWER)}`,
    () => `${draw(between(3, 6), LOWER)}${draw(2, DIGITS)}`,
  ])();
}

/**
 * The shapes a secret takes next to a secret-ish name: the ones a
 * randomness check alone misses (one case, digits only, UUIDs, short) and
 * the ones it catches.
 */
export const VALUE_SHAPES: Readonly<Record<string, () => string>> = {
  'lower+digits': () => drawWith(between(16, 40), LOWER + DIGITS, [LOWER, DIGITS]),
  uuid: () => randomUUID(),
  digits: () => draw(between(6, 12), DIGITS),
  'upper+digits': () => drawWith(between(12, 32), UPPER + DIGITS, [UPPER, DIGITS]),
  upper: () => draw(between(8, 24), UPPER),
  lower: () => draw(between(8, 20), LOWER),
  short: () => drawWith(between(6, 12), ALNUM, [UPPER, LOWER]),
  mixed: () => drawWith(between(20, 48), ALNUM, [UPPER, LOWER, DIGITS]),
  base64: () => randomBytes(between(20, 40)).toString('base64'),
  hex: () => draw(between(16, 64), HEX),
  tilde: () => `${draw(3, ALNUM)}${draw(1, DIGITS)}Q~${draw(34, `${ALNUM}_~.-`)}`,
  password: () => `${draw(1, ALNUM)}${draw(between(7, 18), `${ALNUM}!*-_.+~^%`)}`,
};

/** Safe inside a URL's user-info part. */
const urlPassword = (): string => drawWith(between(8, 24), `${ALNUM}-_.~!*`, [LOWER, DIGITS]);

/** Names that say "this is a secret", in the spellings of each language. */
const NAME_WORDS = ['token', 'password', 'secret', 'api_key', 'access_key', 'client_secret', 'auth_token', 'passwd', 'pwd', 'private_key', 'credentials', 'secret_key', 'passphrase', 'access_token', 'refresh_token', 'api_token', 'signing_key', 'pass'];
const NAME_PREFIXES = ['', 'github', 'db', 'aws', 'stripe', 'slack', 'app', 'service', 'npm', 'registry', 'smtp', 'admin', 'x'];

interface Name {
  readonly snake: string;
  readonly upper: string;
  readonly camel: string;
  readonly kebab: string;
  readonly dotted: string;
}

function secretName(): Name {
  const words = [pick(NAME_PREFIXES), ...pick(NAME_WORDS).split('_')].filter((w) => w !== '');
  const cap = (w: string): string => w[0]?.toUpperCase() + w.slice(1);
  return {
    snake: words.join('_'),
    upper: words.join('_').toUpperCase(),
    camel: words.map((w, i) => (i === 0 ? w : cap(w))).join(''),
    kebab: words.join('-'),
    dotted: words.join('.'),
  };
}

/** Key/value syntaxes: each takes a name and a value and writes a line as that language or file would. */
const SYNTAXES: Readonly<Record<string, readonly ((n: Name, v: string) => string)[]>> = {
  shell: [
    (n, v) => `export ${n.upper}=${v}`,
    (n, v) => `${n.upper}="${v}"`,
    (n, v) => `${n.upper}='${v}' ./deploy.sh`,
    (n, v) => `set -x ${n.upper} ${v}`,
    (n, v) => `setenv ${n.upper} ${v}`,
    (n, v) => `$env:${n.upper} = "${v}"`,
    (n, v) => `set ${n.upper}=${v}`,
  ],
  go: [
    (n, v) => `${n.camel} := "${v}"`,
    (n, v) => `var ${n.camel} string = "${v}"`,
    (n, v) => `const ${n.camel} = "${v}"`,
    (n, v) => `cfg.${n.camel} = "${v}"`,
    (n, v) => `${n.camel} := \`${v}\``,
  ],
  make: [(n, v) => `${n.upper} ?= ${v}`, (n, v) => `${n.upper} := ${v}`, (n, v) => `${n.upper} ::= ${v}`, (n, v) => `${n.upper} += ${v}`, (n, v) => `${n.upper} :::= "${v}"`],
  php: [(n, v) => `$${n.camel} = '${v}';`, (n, v) => `$${n.camel} .= '${v}';`, (n, v) => `'${n.snake}' => '${v}',`, (n, v) => `define('${n.upper}', '${v}');`, (n, v) => `$${n.camel} ??= "${v}";`, (n, v) => `$client->set${n.camel[0]?.toUpperCase()}${n.camel.slice(1)}("${v}");`],
  ruby: [(n, v) => `${n.snake} = "${v}"`, (n, v) => `:${n.snake} => "${v}"`, (n, v) => `"${n.camel}" => "${v}"`, (n, v) => `${n.snake}: "${v}"`, (n, v) => `ENV["${n.upper}"] = "${v}"`],
  python: [(n, v) => `${n.snake} = "${v}"`, (n, v) => `${n.upper}: str = "${v}"`, (n, v) => `os.environ["${n.upper}"] = "${v}"`, (n, v) => `client(${n.snake}="${v}")`, (n, v) => `{"${n.snake}": "${v}"}`],
  java: [
    (n, v) => `${n.dotted}=${v}`,
    (n, v) => `${n.dotted} = ${v}`,
    (n, v) => `${n.dotted}: ${v}`,
    (n, v) => `System.setProperty("${n.upper}", "${v}");`,
    (n, v) => `String ${n.camel} = "${v}";`,
    (n, v) => `private static final String ${n.upper} = "${v}";`,
    (n, v) => `val ${n.camel}: String = "${v}"`,
    (n, v) => `const ${n.camel}: string = '${v}';`,
    (n, v) => `let ${n.snake}: &str = "${v}";`,
    (n, v) => `var ${n.camel} = @"${v}";`,
  ],
  spaced: [(n, v) => `${n.snake}       = "${v}"`, (n, v) => `${n.camel}\t=\t${v}`, (n, v) => `${n.upper}   :   ${v}`],
  xml: [
    (n, v) => `<${n.camel}>${v}</${n.camel}>`,
    (n, v) => `<add key="${n.camel}" value="${v}" />`,
    (n, v) => `<property name="${n.dotted}" value="${v}"/>`,
    (n, v) => `<entry key="${n.snake}">${v}</entry>`,
    (n, v) => `<ns:${n.camel} type="string">${v}</ns:${n.camel}>`,
    (n, v) => `<${n.camel}>\n    ${v}\n</${n.camel}>`,
  ],
  yaml: [(n, v) => `${n.snake}: ${v}`, (n, v) => `${n.snake}: "${v}"`, (n, v) => `  ${n.kebab}: '${v}'`, (n, v) => `- name: ${n.upper}\n  value: "${v}"`, (n, v) => `env:\n  - name: ${n.upper}\n    value: ${v}`, (n, v) => `${n.snake}: |\n  ${v}`, (n, v) => `${n.snake}: >-\n    ${v}`],
  toml: [(n, v) => `${n.snake} = "${v}"`, (n, v) => `[auth]\n${n.snake} = '${v}'`],
  ini: [(n, v) => `${n.snake}=${v}`, (n, v) => `[default]\n${n.snake} = ${v}`],
  json: [(n, v) => `{\n    "${n.snake}": "${v}"\n}`, (n, v) => `\\{\n    \\"${n.snake}\\": \\"${v}\\"\n\\}`, (n, v) => `{"${n.camel}":"${v}"}`, (n, v) => `{ "${n.snake}" : "${v}", "region": "eu" }`, (n, v) => `{\\"${n.camel}\\":\\"${v}\\"}`, (n, v) => `[{"name":"${n.upper}","value":"${v}"}]`],
  flags: [(n, v) => `deploy --${n.kebab} ${v} --yes`, (n, v) => `deploy --${n.kebab}=${v}`, (n, v) => `docker run -e ${n.upper}=${v} app`, (n, v) => `docker build --build-arg ${n.upper}=${v} .`],
  csv: [(n, v) => `${n.camel},${v},`, (n, v) => `id,${n.snake},${v}`],
  dockerfile: [(n, v) => `ENV ${n.upper}=${v}`, (n, v) => `ENV ${n.upper} ${v}`, (n, v) => `ARG ${n.upper}=${v}`],
};

/** Short names whose values are judged by how they look (DB_PASS, stripeKey, "auth"). */
const SHORT_NAMES: readonly ((v: string) => string)[] = [
  (v) => `DB_PASS=${v}`,
  (v) => `dbPass: "${v}"`,
  (v) => `STRIPE_KEY=${v}`,
  (v) => `licenseKey = "${v}"`,
  (v) => `"pw": "${v}"`,
];

/** Forms with no name at all, or a fixed one: configs and command lines. */
const CONFIG_FORMS: Readonly<Record<string, readonly (() => SecretSample)[]>> = {
  npmrc: [
    () => secret('npmrc', '_authToken', (v) => `//npm.pkg.example.com/:_authToken=${v}`, VALUE_SHAPES['mixed']),
    () => secret('npmrc', '_authToken (uuid)', (v) => `//npm.pkg.example.com/:_authToken=${v}`, VALUE_SHAPES['uuid']),
    () => {
      const auth = b64(`${userName()}:${urlPassword()}`);
      return { kind: 'npmrc', form: '_auth', text: `_auth=${auth}\nalways-auth=true`, needles: [auth] };
    },
    () => {
      const password = b64(urlPassword());
      return { kind: 'npmrc', form: '_password', text: `//registry.example.com/:_password=${password}`, needles: [password] };
    },
  ],
  netrc: [
    () => secret('netrc', 'one line', (v) => `machine api.example.com login ${userName()} password ${v}`, VALUE_SHAPES['password']),
    () => secret('netrc', 'lines', (v) => `machine git.example.com\n  login ${userName()}\n  password ${v}`, VALUE_SHAPES['lower+digits']),
  ],
  docker: [
    () => {
      const auth = b64(`${userName()}:${urlPassword()}`);
      return { kind: 'docker', form: 'config.json auth', text: `{"auths":{"https://index.docker.io/v1/":{"auth":"${auth}"}}}`, needles: [auth] };
    },
    () => secret('docker', 'identitytoken', (v) => `{"auths":{"registry.example.com":{"identitytoken":"${v}"}}}`, VALUE_SHAPES['uuid']),
    () => secret('docker', 'login -p', (v) => `docker login -u ${userName()} -p ${v} registry.example.com`, VALUE_SHAPES['password']),
    () => secret('docker', 'login --password', (v) => `docker login --username ${userName()} --password ${v}`, VALUE_SHAPES['short']),
  ],
  kube: [
    () => secret('kube', 'token', (v) => `users:\n- name: ci\n  user:\n    token: ${v}`, VALUE_SHAPES['lower+digits']),
    () => {
      const key = b64(`-----BEGIN RSA PRIVATE KEY-----\n${b64url(120)}\n-----END RSA PRIVATE KEY-----\n`);
      return { kind: 'kube', form: 'client-key-data', text: `    client-key-data: ${key}`, needles: [key] };
    },
    () => secret('kube', 'password', (v) => `    username: admin\n    password: ${v}`, VALUE_SHAPES['short']),
    () => secret('kube', 'access-token', (v) => `      config:\n        access-token: ${v}`, VALUE_SHAPES['mixed']),
  ],
  'connection-string': [
    () => secret('connection-string', 'ADO.NET', (v) => `Server=tcp:db.example.net,1433;Database=app;User ID=${userName()};Password=${v};Encrypt=true;`, VALUE_SHAPES['password']),
    () => secret('connection-string', 'Pwd', (v) => `Driver={ODBC Driver 18};Server=db;Uid=app;Pwd=${v};`, VALUE_SHAPES['short']),
    () => secret('connection-string', 'Azure storage', (v) => `DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${v};EndpointSuffix=core.windows.net`, () => randomBytes(64).toString('base64')),
    () => secret('connection-string', 'Service Bus', (v) => `Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=${v}`, () => randomBytes(32).toString('base64')),
    () => secret('connection-string', 'postgres URL', (v) => `postgres://${userName()}:${v}@db.example.com:5432/app`, urlPassword),
    () => secret('connection-string', 'mongodb+srv URL', (v) => `mongodb+srv://${userName()}:${v}@cluster0.abcde.mongodb.net/app?retryWrites=true`, urlPassword),
    () => secret('connection-string', 'redis URL, no user', (v) => `redis://:${v}@cache.internal:6379/0`, urlPassword),
    () => secret('connection-string', 'jdbc query', (v) => `jdbc:mysql://db:3306/app?user=${userName()}&password=${v}&useSSL=true`, urlPassword),
    () => secret('connection-string', 'amqp URL', (v) => `amqp://${userName()}:${v}@rabbit.internal:5672/`, urlPassword),
  ],
  'curl-wget': [
    () => secret('curl-wget', 'curl -u', (v) => `curl -u ${userName()}:${v} https://api.example.com/v1/items`, urlPassword),
    () => secret('curl-wget', 'curl -u glued', (v) => `curl -u${userName()}:${v} https://api.example.com`, urlPassword),
    () => secret('curl-wget', 'curl --user quoted', (v) => `curl --user "${userName()}:${v}" https://api.example.com`, VALUE_SHAPES['password']),
    () => secret('curl-wget', 'curl bearer', (v) => `curl -H "Authorization: Bearer ${v}" https://api.example.com`, VALUE_SHAPES['mixed']),
    () => secret('curl-wget', 'curl api key header', (v) => `curl -H "X-Api-Key: ${v}" https://api.example.com`, VALUE_SHAPES['lower+digits']),
    () => secret('curl-wget', 'curl private token header', (v) => `curl --header "PRIVATE-TOKEN: ${v}" https://gitlab.example.com/api/v4/projects`, VALUE_SHAPES['short']),
    () => secret('curl-wget', 'wget --password=', (v) => `wget --user=${userName()} --password=${v} https://files.example.com/a.tgz`, VALUE_SHAPES['password']),
    () => secret('curl-wget', 'wget --http-password', (v) => `wget --http-user ${userName()} --http-password ${v} https://files.example.com/a.tgz`, VALUE_SHAPES['short']),
    () => secret('curl-wget', 'Authorization: token', (v) => `curl -H "Authorization: token ${v}" https://api.example.com`, VALUE_SHAPES['lower+digits']),
    () => secret('curl-wget', 'Cookie header', (v) => `curl -H 'Cookie: session=${v}' https://app.example.com`, VALUE_SHAPES['uuid']),
    () => secret('curl-wget', 'openssl pass:', (v) => `openssl pkcs12 -export -passout pass:${v} -out cert.p12`, VALUE_SHAPES['password']),
    () => secret('curl-wget', 'sshpass', (v) => `sshpass -p ${v} ssh deploy@host`, VALUE_SHAPES['short']),
    () => secret('curl-wget', 'mysql -p', (v) => `mysql -u root -p${v} -h db app`, VALUE_SHAPES['short']),
  ],
  // Keys with no prefix are told apart by the name they are kept under; on
  // their own, only the randomness check can see them (and it is right
  // most of the time, not every time: see isHighEntropyToken).
  'unprefixed key': [
    () => secret('unprefixed key', 'Datadog', (v) => `DD_API_KEY=${v}`, () => draw(32, HEX)),
    () => secret('unprefixed key', 'Datadog app key', (v) => `export DATADOG_APP_KEY="${v}"`, () => draw(40, HEX)),
    () => secret('unprefixed key', 'Cloudflare', (v) => `CLOUDFLARE_API_TOKEN: ${v}`, () => draw(40, B64URL)),
    () => secret('unprefixed key', 'Heroku', (v) => `HEROKU_API_KEY=${v}`, () => randomUUID()),
    () => secret('unprefixed key', 'Mailchimp', (v) => `mailchimp_api_key = "${v}-us${between(1, 20)}"`, () => draw(32, HEX)),
    () => secret('unprefixed key', 'Okta', (v) => `OKTA_API_TOKEN=${v}`, () => `00${draw(40, B64URL)}`),
    () => secret('unprefixed key', 'AWS secret', (v) => `aws_secret_access_key = ${v}`, () => draw(40, `${ALNUM}+/`)),
    () => secret('unprefixed key', 'Azure DevOps', (v) => `AZURE_DEVOPS_PAT=${v}`, () => draw(52, `${LOWER}234567`)),
    () => secret('unprefixed key', 'Azure tenant id', (v) => `AZURE_TENANT_ID=${v}`, () => randomUUID()),
    () => secret('unprefixed key', 'Azure client id', (v) => `"azure_client_id": "${v}"`, () => randomUUID()),
    () => secret('unprefixed key', 'AWS account id', (v) => `aws_account_id = ${v}`, () => draw(12, DIGITS)),
    () => secret('unprefixed key', 'OAuth client id', (v) => `clientId: '${v}'`, () => draw(20, LOWER + DIGITS)),
    () => secret('unprefixed key', 'Azure tenant secret', (v) => `AZURE_CLIENT_SECRET="${v}"`, () => `${draw(3, ALNUM)}8Q~${draw(34, `${ALNUM}_~.-`)}`),
  ],
  bundler: [
    () => secret('bundler', 'BUNDLE_ env', (v) => `BUNDLE_GEMS__CONTRIBSYS__COM=${userName()}:${v}`, VALUE_SHAPES['hex']),
    () => secret('bundler', 'BUNDLE_ env, token', (v) => `export BUNDLE_RUBYGEMS__PKG__GITHUB__COM=${v}`, VALUE_SHAPES['mixed']),
    () => secret('bundler', 'bundle config', (v) => `bundle config set --global gems.example.com ${userName()}:${v}`, VALUE_SHAPES['lower+digits']),
  ],
};

function secret(kind: string, form: string, write: (v: string) => string, value: (() => string) | undefined): SecretSample {
  const v = (value ?? VALUE_SHAPES['mixed'] ?? (() => ''))();
  return { kind, form, text: write(v), needles: [v] };
}

/** Tokens whose issuer is in a fixed prefix, as the providers document them. */
const PROVIDERS: Readonly<Record<string, () => readonly [string, string]>> = {
  'GitHub classic': () => withNeedle(`${pick(['ghp', 'gho', 'ghu', 'ghs', 'ghr'])}_`, draw(36, ALNUM)),
  'GitHub fine-grained': () => withNeedle('github_pat_', `${draw(22, ALNUM)}_${draw(59, ALNUM)}`),
  GitLab: () => withNeedle(`${pick(['glpat', 'gldt', 'glrt', 'glptt', 'glcbt', 'glsoat'])}-`, draw(20, B64URL)),
  Slack: () => withNeedle(`${pick(['xoxb', 'xoxp', 'xoxa', 'xoxe'])}-`, `${draw(12, DIGITS)}-${draw(13, DIGITS)}-${draw(24, ALNUM)}`),
  'Slack app': () => withNeedle('xapp-1-', `A${draw(10, UPPER + DIGITS)}-${draw(13, DIGITS)}-${draw(64, HEX)}`),
  'Slack webhook': () => withNeedle('https://hooks.slack.com/services/', `T${draw(8, UPPER + DIGITS)}/B${draw(8, UPPER + DIGITS)}/${draw(24, ALNUM)}`),
  Stripe: () => withNeedle(`${pick(['sk', 'rk'])}_${pick(['live', 'test'])}_`, draw(between(24, 99), ALNUM)),
  'Stripe webhook': () => withNeedle('whsec_', draw(32, ALNUM)),
  OpenAI: () => withNeedle(pick(['sk-proj-', 'sk-svcacct-', 'sk-admin-', 'sk-']), `${draw(20, B64URL)}T3BlbkFJ${draw(20, B64URL)}`),
  Anthropic: () => withNeedle(pick(['sk-ant-api03-', 'sk-ant-admin01-']), `${draw(93, B64URL)}AA`),
  OpenRouter: () => withNeedle('sk-or-v1-', draw(64, HEX)),
  npm: () => withNeedle('npm_', draw(36, ALNUM)),
  PyPI: () => withNeedle('pypi-AgEIcHlwaS5vcmc', b64url(between(60, 120))),
  'AWS access key': () => withNeedle(pick(['AKIA', 'ASIA']), draw(16, UPPER + DIGITS)),
  'AWS Bedrock': () => withNeedle('ABSK', randomBytes(between(40, 90)).toString('base64')),
  'Google API key': () => withNeedle('AIza', draw(35, B64URL)),
  'Google OAuth secret': () => withNeedle('GOCSPX-', draw(28, B64URL)),
  'Google access token': () => withNeedle('ya29.', draw(between(60, 120), B64URL)),
  'Azure client secret': () => ['', `${draw(3, ALNUM)}${draw(1, DIGITS)}Q~${draw(34, `${ALNUM}_~.-`)}`],
  Twilio: () => withNeedle(pick(['SK', 'AC']), draw(32, HEX)),
  SendGrid: () => withNeedle('SG.', `${draw(22, B64URL)}.${draw(43, B64URL)}`),
  Shopify: () => withNeedle(`${pick(['shpat', 'shpca', 'shppa', 'shpss'])}_`, draw(32, HEX)),
  Databricks: () => withNeedle('dapi', draw(32, HEX)),
  Doppler: () => withNeedle(`dp.${pick(['pt', 'st', 'ct', 'sa'])}.`, draw(between(40, 44), ALNUM)),
  Linear: () => withNeedle('lin_api_', draw(40, ALNUM)),
  'Hugging Face': () => withNeedle('hf_', draw(34, UPPER + LOWER)),
  Groq: () => withNeedle('gsk_', draw(52, ALNUM)),
  Tailscale: () => withNeedle('tskey-auth-', `k${draw(10, ALNUM)}CNTRL-${draw(30, ALNUM)}`),
  age: () => withNeedle('AGE-SECRET-KEY-1', draw(58, BASE32)),
  DigitalOcean: () => withNeedle(`${pick(['dop', 'doo', 'dor'])}_v1_`, draw(64, HEX)),
  'HashiCorp Vault': () => withNeedle(`${pick(['hvs', 'hvb'])}.`, draw(between(24, 90), B64URL)),
  'Terraform Cloud': () => withNeedle('', `${draw(14, ALNUM)}.atlasv1.${draw(67, B64URL)}`),
  xAI: () => withNeedle('xai-', draw(80, ALNUM)),
  Perplexity: () => withNeedle('pplx-', draw(48, ALNUM)),
  Replicate: () => withNeedle('r8_', draw(37, ALNUM)),
  Figma: () => withNeedle('figd_', draw(40, B64URL)),
  Postman: () => withNeedle('PMAK-', `${draw(24, HEX)}-${draw(34, HEX)}`),
  Atlassian: () => withNeedle('ATATT3xFfGF0', draw(between(120, 180), B64URL)),
  'New Relic': () => withNeedle('NRAK-', draw(27, UPPER + DIGITS)),
  Pulumi: () => withNeedle('pul-', draw(40, HEX)),
  Mailgun: () => withNeedle('key-', draw(32, HEX)),
  Notion: () => withNeedle('ntn_', draw(46, ALNUM)),
  Netlify: () => withNeedle('nfp_', draw(36, ALNUM)),
  PlanetScale: () => withNeedle('pscale_tkn_', draw(43, B64URL)),
  'Docker Hub': () => withNeedle('dckr_pat_', draw(27, B64URL)),
  Alibaba: () => withNeedle('LTAI', draw(20, ALNUM)),
  Telegram: () => withNeedle(`${draw(9, DIGITS)}:AA`, draw(33, B64URL)),
  'Discord webhook': () => withNeedle(`https://discord.com/api/webhooks/${draw(18, DIGITS)}/`, draw(68, B64URL)),
  Grafana: () => withNeedle('glsa_', `${draw(32, ALNUM)}_${draw(8, HEX)}`),
  Sentry: () => withNeedle('sntrys_', `eyJ${b64url(60)}`),
  '1Password service account': () => withNeedle('ops_', `eyJ${b64url(90)}`),
  Mapbox: () => withNeedle('sk.', `eyJ1Ijoi${b64url(40)}.${b64url(16)}`),
  Square: () => withNeedle('EAAA', draw(60, B64URL)),
  Supabase: () => withNeedle('sbp_', draw(40, HEX)),
  Heroku: () => withNeedle('HRKU-', draw(60, B64URL)),
  Contentful: () => withNeedle('CFPAT-', draw(43, B64URL)),
  Dynatrace: () => withNeedle('dt0c01.', `${draw(24, UPPER + DIGITS)}.${draw(64, UPPER + DIGITS)}`),
  JFrog: () => withNeedle('AKCp', draw(69, ALNUM)),
  NuGet: () => withNeedle('oy2', draw(43, LOWER + DIGITS)),
  SonarQube: () => withNeedle(pick(['squ_', 'sqp_', 'sqa_']), draw(40, HEX)),
  RubyGems: () => withNeedle('rubygems_', draw(48, HEX)),
  'Microsoft Teams webhook': () => withNeedle('https://acme.webhook.office.com/webhookb2/', `${randomUUID()}@${randomUUID()}/IncomingWebhook/${draw(32, HEX)}/${randomUUID()}`),
  '1Password secret key': () => withNeedle('A3-', `${draw(6, UPPER + DIGITS)}-${draw(11, UPPER + DIGITS)}-${draw(5, UPPER + DIGITS)}-${draw(5, UPPER + DIGITS)}-${draw(5, UPPER + DIGITS)}`),
  JWT: () => withNeedle('eyJhbGciOiJ', `${b64url(30)}.eyJ${b64url(60)}.${b64url(32)}`),
  'JWT-like, ey but not eyJ': () => withNeedle('ey', `${draw(between(17, 40), ALNUM)}.ey${draw(between(17, 60), `${ALNUM}/_-`)}.${draw(between(10, 43), `${ALNUM}/_-`)}`),
  'JWT, spaced JSON': () => withNeedle('', `${b64url(0)}${Buffer.from(`{ "alg": "HS256", "kid": "${draw(8, ALNUM)}" }`).toString('base64url')}.${Buffer.from(`{ "sub": "${draw(12, ALNUM)}" }`).toString('base64url')}.${b64url(32)}`),
  'private key': () => withNeedle(`-----BEGIN ${pick(['RSA ', 'EC ', 'OPENSSH ', ''])}PRIVATE KEY-----\n`, `${b64url(48)}\n${b64url(48)}\n-----END PRIVATE KEY-----`),
};

function withNeedle(prefix: string, random: string): readonly [string, string] {
  return [prefix, random];
}

/** Where a token is found: alone, in a sentence, assigned to an ordinary name. */
const TOKEN_PLACES: readonly ((token: string) => string)[] = [
  (t) => t,
  (t) => `using ${t} for deploy`,
  (t) => `failed: ${t} was rejected (401)`,
  (t) => `"${t}"`,
  (t) => `config=${t}`,
];

/** Home directories in every form a path takes. */
const HOME_FORMS: readonly ((name: string) => string)[] = [
  (n) => `/home/${n}/project/src/index.ts`,
  (n) => `/Users/${n}/Library/Caches/x`,
  (n) => `/path/to/Users/${n}/repo`,
  (n) => `/mnt/c/Users/${n}/code/app`,
  (n) => `/srv/home/${n}/x.log`,
  (n) => `/var/home/${n}/.config/app`,
  (n) => `/export/home/${n}/data`,
  (n) => `file:///home/${n}/x.mjs`,
  (n) => `C:\\Users\\${n}\\AppData\\Local\\app`,
  (n) => `c:/users/${n}/project`,
  (n) => `{"path":"C:\\\\Users\\\\${n}\\\\x"}`,
  (n) => `¥Users¥${n}¥Documents`,
  (n) => `C:¥Users¥${n}¥Desktop`,
  (n) => `D:\\backup\\Users\\${n}\\x`,
  (n) => `\\\\fileserver\\Users\\${n}\\share`,
  (n) => `C:\\Documents and Settings\\${n}\\x`,
  (n) => `open '/home/${n}/.npmrc' failed`,
  (n) => `ENOENT: no such file, stat /Users/${n}`,
  (n) => `/Volumes/Macintosh HD/Users/${n}/Desktop`,
  (n) => `cat ~${n}/notes.txt`,
];

/**
 * Every kind at least `perForm` times per form: providers' tokens in each
 * place, each syntax with each value shape, configs and command lines, and
 * home paths.
 */
export function secretCorpus(perForm = 3): SecretSample[] {
  const samples: SecretSample[] = [];
  for (let round = 0; round < perForm; round++) {
    for (const [provider, make] of Object.entries(PROVIDERS)) {
      for (const place of TOKEN_PLACES) {
        const [prefix, random] = make();
        samples.push({ kind: 'provider token', form: provider, text: place(`${prefix}${random}`), needles: [random] });
      }
    }
    for (const [syntax, writers] of Object.entries(SYNTAXES)) {
      for (const write of writers) {
        for (const [shape, value] of Object.entries(VALUE_SHAPES)) {
          const v = value();
          samples.push({ kind: `syntax: ${syntax}`, form: `${shape}`, text: write(secretName(), v), needles: [v] });
        }
      }
    }
    for (const write of SHORT_NAMES) {
      for (const shape of ['lower+digits', 'uuid', 'digits', 'upper+digits', 'mixed', 'base64', 'hex', 'tilde']) {
        const v = (VALUE_SHAPES[shape] ?? (() => ''))();
        samples.push({ kind: 'syntax: short names', form: shape, text: write(v), needles: [v] });
      }
    }
    for (const forms of Object.values(CONFIG_FORMS)) for (const make of forms) samples.push(make());
    for (const form of HOME_FORMS) {
      const name = userName();
      samples.push({ kind: 'home path', form: form('<name>'), text: form(name), needles: [name] });
    }
  }
  return samples;
}

/** What of `needle` shows in `text`: the whole needle, or any 8 characters of it in a row. */
export function leaks(text: string, needle: string): boolean {
  if (needle.length <= 8) return text.includes(needle);
  for (let i = 0; i + 8 <= needle.length; i++) if (text.includes(needle.slice(i, i + 8))) return true;
  return false;
}

const n = (max: number): number => randomInt(max + 1);
const sha = (length: number): string => draw(length, HEX);

/** Generators of realistic clear values, by kind. */
const HARMLESS: Readonly<Record<string, readonly (() => string)[]>> = {
  semver: [
    () => `${n(20)}.${n(40)}.${n(99)}`,
    () => `v${n(20)}.${n(40)}.${n(99)}`,
    () => `${n(9)}.${n(20)}.${n(20)}-${pick(['alpha', 'beta', 'rc', 'next', 'canary'])}.${n(30)}`,
    () => `${n(9)}.${n(20)}.${n(20)}+build.${n(9999)}`,
    () => `${n(9)}.${n(20)}.${n(20)}-rc.${n(9)}+sha.${sha(7)}`,
    () => `^${n(20)}.${n(20)}.0`,
  ],
  'four-part version': [
    () => `${between(1, 9)}.${n(20)}.${n(20)}.${n(20)}`,
    () => `System.Runtime ${between(4, 9)}.0.0.0`,
    () => `System.Net.Http, Version=${between(4, 8)}.${n(9)}.${n(9)}.${n(9)}, Culture=neutral`,
    () => `v${between(1, 20)}.${n(99)}.${n(99)}.${n(999)}`,
    () => `version ${between(10, 99)}.${n(9)}.${n(99)}.${n(255)}`,
    () => `10.0.${between(17000, 26000)}.${n(5000)}`,
    () => `build ${between(1, 30)}.${n(12)}.${n(31)}.${n(9999)}`,
  ],
  'kernel and os': [
    () => `${between(4, 6)}.${n(19)}.${between(100, 199)}.${n(9)}-microsoft-standard-WSL2`,
    () => `${between(4, 6)}.${n(19)}.${n(199)}-${n(120)}-generic`,
    () => `${between(4, 6)}.${n(19)}.${n(299)}-${n(300)}.${n(999)}.amzn2.x86_64`,
    () => `Darwin ${between(19, 24)}.${n(6)}.0`,
    () => `Windows_NT 10.0.${between(19041, 26100)}`,
    () => release(),
    () => type(),
    () => version(),
  ],
  runtime: [
    () => process.version,
    () => `node ${process.version} on ${process.platform} ${process.arch}`,
    () => `v8 ${process.versions.v8}`,
    () => `Python 3.${n(13)}.${n(12)}`,
    () => `go1.${between(18, 23)}.${n(9)} linux/amd64`,
    () => `openjdk ${between(11, 23)}.0.${n(9)} 2024-0${between(1, 9)}-1${n(9)}`,
    () => pick(['GitHub Actions', 'GitLab CI', 'CircleCI', 'Azure Pipelines', 'Jenkins', 'Buildkite', 'Travis CI', 'Bitbucket Pipelines']),
  ],
  command: [
    () => pick(['build', 'deploy', 'init', 'dev', 'test', 'lint', 'publish', 'login', 'logout']),
    () => `${pick(['npm', 'pnpm', 'yarn'])} run ${pick(['build', 'test', 'dev'])}`,
    () => `git push origin ${pick(['main', 'develop', `feature/x-${n(999)}`])}`,
    () => `docker compose up -d ${pick(['web', 'db', 'cache'])}`,
    () => `kubectl get pods -n ${pick(['kube-system', 'default', 'prod'])}`,
    () => `terraform plan -var-file=${pick(['prod', 'staging'])}.tfvars`,
    () => `docker login --password-stdin registry.example.com`,
  ],
  flag: [
    () => `--max-tokens=${between(1, 4096)}`,
    () => `--timeout ${between(1, 300)}s`,
    () => `--region ${pick(['eu-west-1', 'us-east-2', 'ap-southeast-1'])}`,
    () => `-j ${between(1, 32)}`,
    () => `--token-file ./secrets/token.txt`,
    () => `--password-stdin`,
    () => `--no-verify --force`,
    () => `--port=${between(1024, 65535)}`,
  ],
  'relative path': [
    () => `src/commands/${pick(['deploy', 'build', 'init'])}.ts:${n(400)}:${n(80)}`,
    () => `packages/ui-v${n(9)}/src/Button${n(9)}/index.tsx`,
    () => `./dist/${pick(['index', 'cli', 'main'])}.${pick(['js', 'mjs', 'cjs'])}`,
    () => `src/home/${pick(['Header', 'Footer', 'Hero'])}.tsx`,
    () => `app/users/[id]/page.tsx`,
    () => `pages/home/index.vue`,
    () => `node_modules/.pnpm/react@18.${n(3)}.0/node_modules/react/index.js`,
  ],
  'public URL': [
    () => `https://github.com/acme/repo/pull/${between(1, 9999)}`,
    () => `https://docs.example.com/home/getting-started`,
    () => `https://example.com/users/${between(1, 99999)}/profile`,
    () => `https://registry.example.org/@scope/pkg/-/pkg-${n(9)}.${n(9)}.${n(9)}.tgz`,
    () => `https://api.example.com/v${n(3)}/items?page=${n(99)}&limit=50`,
  ],
  'package and coordinates': [
    () => `react@18.${n(3)}.${n(9)}`,
    () => `@scope/pkg@${n(9)}.${n(9)}.${n(9)}`,
    () => `io.jsonwebtoken:jjwt-jackson-0.${n(12)}.${n(9)}`,
    () => `io.jsonwebtoken:jjwt-api:0.${n(12)}.${n(9)}`,
    () => `org.springframework.boot:spring-boot-starter-security:3.${n(4)}.${n(9)}`,
    () => `com.fasterxml.jackson.core:jackson-databind:2.${n(17)}.${n(9)}`,
    () => `github.com/golang-jwt/jwt/v5 v5.${n(9)}.${n(9)}`,
    () => `tokenizers==0.${n(20)}.${n(9)}`,
    () => `jsonwebtoken@9.0.${n(9)}`,
    () => `passport-jwt@4.0.${n(9)}`,
    () => `@aws-sdk/credential-providers@3.${n(700)}.0`,
    () => `lodash@^4.17.${n(21)}`,
    () => `@types/node@20.${n(14)}.${n(9)}`,
    () => `1.0.0+20${between(10, 29)}0313144700`,
    () => `keytar@7.9.0`,
  ],
  'git sha': [
    () => sha(7),
    () => `HEAD is now at ${sha(7)} fix build`,
    () => `commit ${sha(40)}`,
    () => `uses: actions/checkout@${sha(40)}`,
    () => `${sha(12)}..${sha(12)}`,
  ],
  duration: [
    () => `${n(59)}m ${n(59)}s`,
    () => `took ${n(99)}.${n(9)}s`,
    () => `PT${n(23)}H${n(59)}M`,
    () => `00:0${n(9)}:${between(10, 59)}.${n(999)}`,
    () => `${n(9999)}ms`,
  ],
  locale: [() => pick(['en-US', 'pt_BR.UTF-8', 'zh-Hant-TW', 'de-DE', 'fr_CA', 'ja_JP.UTF-8', 'C.UTF-8'])],
  id: [
    () => `run-${n(99999)}`,
    () => `build #${n(9999)}`,
    () => `PR-${n(999)}`,
    () => `JIRA-${n(9999)}`,
    () => `job ${pick(['lint', 'test', 'e2e'])}-${n(9)}`,
  ],
  'template expression': [
    () => '${aws_db_instance.default.password}',
    () => 'var.db_password',
    () => 'password = var.db_password',
    () => 'token: ${{ secrets.NPM_TOKEN }}',
    () => 'password: {{ .Values.db.password }}',
    () => 'apiKey: process.env.API_KEY',
    () => 'api_key = os.environ["API_KEY"]',
    () => 'secret_key = settings.SECRET_KEY',
    () => 'DB_PASSWORD=${DB_PASSWORD}',
    () => 'password: $DB_PASS',
    () => 'token = ENV.fetch("GITHUB_TOKEN")',
    () => 'client_secret: <your-client-secret>',
    () => 'password=********',
  ],
  'error message': [
    () => pick(["Cannot find module './config'", "ENOENT: no such file or directory, open 'package.json'", 'spawn git ENOENT', 'socket hang up', 'read ECONNRESET', 'Request failed with status code 401', 'Invalid token', 'Command failed with exit code 1: npm run build']),
    () => `connect ECONNREFUSED 127.0.0.1:${between(1024, 65535)}`,
    () => `getaddrinfo ENOTFOUND registry.example.org`,
    () => `Token expired at 20${between(20, 29)}-0${between(1, 9)}-1${n(9)}T00:00:00Z`,
  ],
  'config value': [
    () => pick(['NODE_ENV=production', 'CI=true', 'TZ=UTC', 'LANG=en_US.UTF-8', 'outDir=dist', 'target=es2022', 'mode=production', 'feature.new-dashboard=true', '--config ./acme.config.ts']),
    () => pick(['America/Los_Angeles', 'Europe/Berlin', 'Asia/Tokyo']),
    () => pick(['refs/heads/main', 'origin/feature/login-page', `v${n(9)}.${n(9)}.0-rc.${n(9)}`]),
    () => `0.0.0.0:${between(1024, 65535)}`,
    () => `[::]:${between(1, 65535)}`,
    () => `src\\commands\\${pick(['deploy', 'build'])}.ts`,
    () => `https://example.com/search?q=${pick(['test', 'docs'])}&page=${n(9)}`,
  ],
  digest: [
    () => `sha512-${randomBytes(64).toString('base64')}`,
    () => `sha256:${draw(64, HEX)}`,
    () => `node@sha256:${draw(64, HEX)}`,
  ],
  'CI path': [
    () => `/home/runner/work/acme/acme/src/${pick(['index', 'cli'])}.ts`,
    () => `/home/runner/.npm/_cacache/index-v5/${sha(2)}`,
    () => `/home/circleci/project/node_modules/x`,
    () => `/Users/runner/work/app/app`,
    () => `/home/vsts/work/1/s/src`,
    () => `/github/home/.cache/ms-playwright`,
    () => `C:\\Users\\runneradmin\\AppData\\Local\\Temp\\x`,
    () => `/home/gitlab-runner/builds/abc/0/acme/app`,
    () => `/home/linuxbrew/.linuxbrew/bin/node`,
    () => `/builds/acme/app/dist`,
    () => `/var/lib/jenkins/workspace/acme`,
  ],
  'plain text': [
    () => pick(['max_tokens=100', 'token: 5', 'tokens used: 1234', 'passwordless=true', 'no credentials for s3://bucket', 'basic authentication required', 'Bearer authentication']),
    () => `listening on 127.0.0.1:${between(1024, 65535)}`,
    () => `retry ${n(9)} of 5 after ${n(999)}ms`,
    () => `Unexpected token } in JSON at position ${n(999)}`,
    () => pick(['GITHUB_TOKEN is not set', 'missing --token', 'Invalid API key', '401 Unauthorized: bad credentials', 'npm ERR! code E404', 'using cached token from keychain', "expected token ':' at line 3", "error TS2304: Cannot find name 'password'", "TypeError: Cannot read properties of undefined (reading 'token')", 'key not found: cache-v2', 'token expired, run `acme login`', 'password must be at least 8 characters']),
    () => `Error: EACCES: permission denied, open 'src/${pick(['a', 'b'])}.json'`,
    () => `${2020 + n(6)}-0${between(1, 9)}-1${n(9)}T1${n(9)}:3${n(9)}:4${n(9)}Z`,
    () => pick(['node:20-alpine', 'ghcr.io/acme/app:1.2.3', 'python:3.12-slim', 'postgres:16']),
    () => `HTTP/1.1 ${pick(['200 OK', '404 Not Found', '503 Service Unavailable'])}`,
    () => pick(['client_id=acme-cli', 'account: personal', 'tenant: common']),
    () => `compass: north`,
    () => `sortKey: createdAt`,
    () => `cache key=v${n(9)}-deps-${pick(['linux', 'darwin', 'win32'])}-node${between(18, 24)}`,
    () => `sig: ${pick(['sha256', 'ed25519', 'rsa-pss'])}`,
  ],
};

/** `perForm` samples of each harmless form. */
export function harmlessCorpus(perForm = 3): HarmlessSample[] {
  const samples: HarmlessSample[] = [];
  for (let round = 0; round < perForm; round++) {
    for (const [kind, makers] of Object.entries(HARMLESS)) for (const make of makers) samples.push({ kind, text: make() });
  }
  return samples;
}
