import { randomBytes, randomInt } from 'node:crypto';
import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import { gzipSync } from 'node:zlib';

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = UPPER + LOWER + DIGITS;

/** `length` random characters from `alphabet`, holding at least one of each of upper case, lower case and digits the alphabet has. */
export function random(length: number, alphabet: string = ALNUM): string {
  const classes = [UPPER, LOWER, DIGITS].filter((set) => [...set].some((c) => alphabet.includes(c)));
  for (;;) {
    let text = '';
    for (const byte of randomBytes(length)) text += alphabet[byte % alphabet.length];
    if (classes.every((set) => [...text].some((c) => set.includes(c)))) return text;
  }
}

/**
 * A random token of distinct characters with no run of three lower-case
 * letters: one that no reader could take for written words, whatever the
 * draw (the rule's catch rate on plain random tokens is documented, not
 * tested, since a test must not fail by chance).
 */
function machineToken(length: number): string {
  for (;;) {
    const pool = [...ALNUM];
    let token = '';
    while (token.length < length) token += pool.splice(randomInt(pool.length), 1)[0] ?? '';
    if (!/[a-z]{3}/.test(token) && /[A-Z]/.test(token) && /[a-z]/.test(token) && /\d/.test(token)) return token;
  }
}

/** A Visa-style number with a valid Luhn check digit. */
export function cardNumber(): string {
  const digits = [4, ...Array.from({ length: 14 }, () => randomInt(10))];
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits[digits.length - 1 - i] ?? 0;
    if (i % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return [...digits, (10 - (sum % 10)) % 10].join('');
}

export interface Planted {
  /** What the app puts somewhere. */
  readonly value: string;
  /** What must never reach the collector: the part that identifies or authenticates. */
  readonly needle: string;
  /** The marker it should become, when it leaves in clear. */
  readonly marker: string;
}

/**
 * Secrets and personal data of every kind the scrubber knows, freshly
 * random on every call (so no real-looking secret is written in the
 * repository, and a leak can't be a coincidence).
 */
export function hostileCorpus(): Record<string, Planted> {
  const ghp = random(36);
  const glpat = random(20);
  const slack = `${random(12, DIGITS)}-${random(13, DIGITS)}-${random(24)}`;
  const npm = random(36);
  const stripe = random(24);
  const google = random(35);
  const openai = random(48);
  const akia = random(16, UPPER + DIGITS);
  const awsSecret = random(40, `${ALNUM}+/`);
  const jwtBody = random(30);
  const pem = random(64);
  const bearer = random(32);
  const basicPassword = random(12);
  const urlPassword = random(14);
  const assigned = random(14);
  const flagged = random(14);
  const highEntropy = machineToken(40);
  const emailLocal = `jane.${random(8, LOWER)}`;
  const card = cardNumber();
  const ip4 = `203.0.113.${randomInt(1, 255)}`;
  const ip6 = `2001:db8:${randomInt(0x1000, 0xffff).toString(16)}::${randomInt(0x1000, 0xffff).toString(16)}`;
  return {
    github: { value: `ghp_${ghp}`, needle: ghp, marker: '[redacted:github-token]' },
    gitlab: { value: `glpat-${glpat}`, needle: glpat, marker: '[redacted:gitlab-token]' },
    slack: { value: `xoxb-${slack}`, needle: slack, marker: '[redacted:slack-token]' },
    npm: { value: `npm_${npm}`, needle: npm, marker: '[redacted:npm-token]' },
    stripe: { value: `sk_live_${stripe}`, needle: stripe, marker: '[redacted:stripe-key]' },
    google: { value: `AIza${google}`, needle: google, marker: '[redacted:google-key]' },
    openai: { value: `sk-proj-${openai}`, needle: openai, marker: '[redacted:openai-key]' },
    awsAccessKey: { value: `AKIA${akia}`, needle: akia, marker: '[redacted:aws-access-key]' },
    awsSecretKey: { value: `aws_secret_access_key=${awsSecret}`, needle: awsSecret, marker: '[redacted:secret]' },
    jwt: { value: `eyJhbGciOiJIUzI1NiJ9.eyJ${jwtBody}.${random(43)}`, needle: jwtBody, marker: '[redacted:jwt]' },
    privateKey: { value: `-----BEGIN RSA PRIVATE KEY-----\n${pem}\n-----END RSA PRIVATE KEY-----`, needle: pem, marker: '[redacted:private-key]' },
    bearer: { value: `Authorization: Bearer ${bearer}`, needle: bearer, marker: '[redacted:bearer]' },
    basic: { value: `Authorization: Basic ${Buffer.from(`jane:${basicPassword}`).toString('base64')}`, needle: Buffer.from(`jane:${basicPassword}`).toString('base64'), marker: '[redacted:basic-auth]' },
    urlCredentials: { value: `postgres://jane:${urlPassword}@db.example.com:5432/app`, needle: urlPassword, marker: '[redacted:url-credentials]' },
    passwordAssignment: { value: `DB_PASSWORD=${assigned}`, needle: assigned, marker: '[redacted:secret]' },
    passwordFlag: { value: `--password ${flagged}`, needle: flagged, marker: '[redacted:secret]' },
    highEntropy: { value: highEntropy, needle: highEntropy, marker: '[redacted:token]' },
    email: { value: `${emailLocal}@corp.example.com`, needle: emailLocal, marker: '[redacted:email]' },
    card: { value: card.replace(/(\d{4})(?=\d)/g, '$1 '), needle: card.slice(4, 12), marker: '[redacted:card]' },
    ipv4: { value: ip4, needle: ip4, marker: '[redacted:ip]' },
    ipv6: { value: ip6, needle: ip6, marker: '[redacted:ip]' },
  };
}

/** Values that must arrive exactly as sent: over-redaction is a bug too. */
export const HARMLESS: readonly string[] = [
  'build',
  'deploy --prod --region eu-west-1',
  'v1.2.3',
  'node 20.11.1 on linux x64',
  'react@18.2.0',
  '@scope/pkg@1.0.0',
  'git@github.com:acme/repo.git',
  'https://github.com/acme/Repo2Name/blob/main/src/index.ts',
  'https://packages.example.org/',
  'Unexpected token } in JSON at position 5',
  'max_tokens=100',
  'listening on 127.0.0.1:3000',
  '2024-01-01T12:30:45Z',
  'took 12:30:45',
  'ConfigurationV2Loader1234',
  'getUserAccountSettingsHandler2024',
  'packages/ui-v2/src/Button3/index.tsx',
  'src/commands/deploy.ts:42:7',
  'logo@2x.png',
  'finished at 1732233637000',
  '550e8400-e29b-41d4-a716-446655440000',
  'fingerprint 3f2a9c1d8e7b6a50',
  'no credentials for s3://bucket',
  'basic authentication required',
  'Bearer authentication',
  'non-secret value',
  'std::vector<int>',
  '/usr/local/lib/node_modules/npm/bin/npm-cli.js',
  'C:\\Program Files\\nodejs\\node.exe',
  '/Users/Shared/fonts',
  'passwordless=true',
  'token: 5',
  'café ☕ naïve 日本語',
];

/** Runs `node <args>` with `input` written to its stdin (then closed); killed past `timeoutMs` (a hang guard). */
export async function runNodeWithStdin(
  args: readonly string[],
  input: string,
  options: { env: Record<string, string>; cwd?: string; timeoutMs?: number },
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, args, { env: options.env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.on('error', () => undefined);
  child.stdin.end(input);
  const hang = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(hang);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** An OTLP/JSON export request holding one span, as the spool stores it, with what the caller plants in it. */
export function pendingBody(span: { name: string; attributes: Record<string, string | number>; resource: Record<string, string> }, padTo = 0): string {
  const kv = (attributes: Record<string, string | number>) =>
    Object.entries(attributes).map(([key, value]) => ({ key, value: typeof value === 'number' ? { intValue: value } : { stringValue: value } }));
  const now = BigInt(Date.now()) * 1_000_000n;
  const body = JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: kv(span.resource) },
        scopeSpans: [
          {
            scope: { name: 'optel', version: '0.1.0' },
            spans: [
              {
                traceId: randomBytes(16).toString('hex'),
                spanId: randomBytes(8).toString('hex'),
                name: span.name,
                kind: 1,
                startTimeUnixNano: String(now - 1_000_000n),
                endTimeUnixNano: String(now),
                attributes: kv(span.attributes),
                status: { code: 0 },
              },
            ],
          },
        ],
      },
    ],
  });
  return padTo > body.length ? body + ' '.repeat(padTo - body.length) : body;
}

/** One protobuf field: its tag (length-delimited) and `payload`. */
export function protobufField(number: number, payload: Buffer): Buffer {
  const length: number[] = [];
  let rest = payload.length;
  while (rest > 0x7f) {
    length.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  length.push(rest);
  return Buffer.concat([Buffer.from([(number << 3) | 2, ...length]), payload]);
}

/**
 * A binary OTLP request with one span holding `events` empty events (two
 * bytes each), gzipped: 8.3 million of them fit in 16 MiB and compress to
 * about 16 KB.
 */
export function eventBomb(events: number): Buffer {
  const empty = Buffer.alloc(events * 2);
  for (let i = 0; i < empty.length; i += 2) empty[i] = (11 << 3) | 2;
  const span = Buffer.concat([protobufField(1, randomBytes(16)), protobufField(2, randomBytes(8)), protobufField(5, Buffer.from('bomb')), empty]);
  return gzipSync(protobufField(1, protobufField(2, protobufField(2, span))));
}

/**
 * A raw TCP "collector" that misbehaves below HTTP: `reset` answers every
 * connection with a TCP reset, `header-overflow` sends a status line and a
 * header far past any client's limit. Loopback only.
 */
export async function rawCollector(kind: 'reset' | 'header-overflow'): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.once('data', () => {
      if (kind === 'reset') socket.resetAndDestroy();
      else socket.end(`HTTP/1.1 200 OK\r\nX-Overflow: ${'a'.repeat(200_000)}\r\n\r\n{}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A binary OTLP request with one span holding one attribute `k` whose AnyValue is `value` (encoded). */
export function protobufSpanWithValue(value: Buffer): Buffer {
  const keyValue = Buffer.concat([protobufField(1, Buffer.from('k')), protobufField(2, value)]);
  const span = Buffer.concat([protobufField(1, randomBytes(16)), protobufField(2, randomBytes(8)), protobufField(5, Buffer.from('deep')), protobufField(9, keyValue)]);
  return protobufField(1, protobufField(2, protobufField(2, span)));
}
