import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePaths } from '../../src/privacy/local-paths.js';
import { HOME_SEGMENT_RULES, MAX_TEXT_CHARS, PERSONAL_RULES, SECRET_FLAG_ARGUMENT, SECRET_RULES, TRUNCATION_MARKER } from '../../src/privacy/rules.js';
import { repeatedUnboundedGroups } from '../../src/privacy/linear-pattern.js';
import { capText, scrubText } from '../../src/privacy/scrub-text.js';
import { HARMLESS, hostileCorpus, random } from '../support/hostile.js';

const PATHS = compilePaths({ home: '/home/jane', userName: 'jane', cwd: '/home/jane/work/acme', appRoot: '/home/jane/work/acme' });
const WINDOWS = compilePaths({ home: 'C:\\Users\\Jane Doe', userName: 'Jane Doe', cwd: 'D:\\clients\\initech' });

describe('scrubText: secrets', () => {
  const corpus = hostileCorpus();
  for (const [kind, planted] of Object.entries(corpus)) {
    it(`replaces ${kind} with ${planted.marker}, inside a sentence`, () => {
      const scrubbed = scrubText(`before ${planted.value} after`, PATHS);
      expect(scrubbed).not.toContain(planted.needle);
      expect(scrubbed).toContain(planted.marker);
      expect(scrubbed.startsWith('before ')).toBe(true);
      expect(scrubbed.endsWith(' after')).toBe(true);
    });
  }

  it('keeps the key of an assignment readable and hides its value, in every common spelling', () => {
    const value = random(16);
    for (const text of [`password=${value}`, `client_secret: ${value}`, `"apiKey": "${value}"`, `GITHUB_TOKEN=${value}`, `--api-key ${value}`, `--db-password ${value}`]) {
      const scrubbed = scrubText(text);
      expect(scrubbed, text).not.toContain(value);
      expect(scrubbed, text).toMatch(/\[redacted:[a-z-]+\]/);
    }
    expect(scrubText(`password=${value}`)).toBe('password=[redacted:secret]');
    expect(scrubText(`https://jane:${value}@example.com/x`)).toBe('https://[redacted:url-credentials]@example.com/x');
  });

  it('hides Slack webhook paths, Google OAuth secrets and access tokens, and legacy OpenAI keys', () => {
    const path = `T${random(8)}/B${random(8)}/${random(24)}`;
    expect(scrubText(`post to https://hooks.slack.com/services/${path} now`)).toBe('post to https://hooks.slack.com/services/[redacted:slack-webhook] now');
    for (const [value, marker] of [
      [`GOCSPX-${random(28)}`, '[redacted:google-key]'],
      [`ya29.${random(40)}`, '[redacted:google-key]'],
      [`sk-${random(48)}`, '[redacted:openai-key]'],
      [`sk-ant-api03-${random(40)}`, '[redacted:openai-key]'],
      [`whsec_${random(32)}`, '[redacted:stripe-key]'],
      [`github_pat_${random(22)}_${random(59)}`, '[redacted:github-token]'],
    ] as const) {
      expect(scrubText(`x ${value} y`), value).toBe(`x ${marker} y`);
    }
  });

  it('hides a private key whose END line was cut off', () => {
    const body = random(200);
    const scrubbed = scrubText(`key: -----BEGIN OPENSSH PRIVATE KEY-----\n${body}`);
    expect(scrubbed).toBe('key: [redacted:private-key]');
  });
});

describe('scrubText: personal data', () => {
  it('replaces emails, IP addresses, card numbers and MAC addresses', () => {
    expect(scrubText('mail jane.doe+x@corp.example.co.uk now')).toBe('mail [redacted:email] now');
    expect(scrubText('from 192.168.1.20.')).toBe('from [redacted:ip].');
    expect(scrubText('from [2001:db8::8a2e:370:7334]:443 and fe80::1%eth0')).toBe('from [[redacted:ip]]:443 and [redacted:ip]');
    expect(scrubText('::ffff:203.0.113.9 connected')).toBe('::ffff:[redacted:ip] connected');
    expect(scrubText('order 12 4111 1111 1111 1111')).toBe('order 12 [redacted:card]');
    expect(scrubText('card 4111-1111-1111-1111 ok')).toBe('card [redacted:card] ok');
    expect(scrubText('amex 378282246310005')).toBe('amex [redacted:card]');
    expect(scrubText('nic 00:1a:2b:3c:4d:5e')).toBe('nic [redacted:mac]');
  });

  it('keeps loopback addresses, times, versions and numbers that fail the card checks', () => {
    for (const text of ['127.0.0.1', '::1', '12:30:45', '1.2.3', '4111111111111112', '1732233637000', '12345678901234']) {
      expect(scrubText(text)).toBe(text);
    }
  });
});

describe('scrubText: local paths', () => {
  it('replaces the working directory with [cwd] and the home directory with ~', () => {
    expect(scrubText('open /home/jane/work/acme/src/x.ts failed', PATHS)).toBe('open [cwd]/src/x.ts failed');
    expect(scrubText('read /home/jane/.npmrc', PATHS)).toBe('read ~/.npmrc');
    expect(scrubText('file:///home/jane/x.mjs', PATHS)).toBe('file://~/x.mjs');
    expect(scrubText('"/home/jane"', PATHS)).toBe('"~"');
  });

  it("replaces another user's home segment and the user name as a path segment", () => {
    expect(scrubText('/home/bob/x and /Users/alice/y and /var/home/carol/z', PATHS)).toBe('/home/[user]/x and /Users/[user]/y and /var/home/[user]/z');
    expect(scrubText('/mnt/data/jane/report.csv', PATHS)).toBe('/mnt/data/[user]/report.csv');
    expect(scrubText('janet and jane-doe stay', PATHS)).toBe('janet and jane-doe stay');
  });

  it('does not take a longer name for the home directory', () => {
    expect(scrubText('/home/janet/x', PATHS)).toBe('/home/[user]/x');
    expect(scrubText('/srv/home/jane/x', PATHS)).toBe('/srv/home/[user]/x');
  });

  it('handles Windows paths with either separator, doubled backslashes and spaces in the name', () => {
    expect(scrubText('C:\\Users\\Jane Doe\\AppData\\npm', WINDOWS)).toBe('~\\AppData\\npm');
    expect(scrubText('c:/users/jane doe/x', WINDOWS)).toBe('~/x');
    expect(scrubText('{"p":"C:\\\\Users\\\\Jane Doe\\\\x"}', WINDOWS)).toBe('{"p":"~\\\\x"}');
    expect(scrubText('D:\\clients\\initech\\build.log', WINDOWS)).toBe('[cwd]\\build.log');
    expect(scrubText('C:\\Users\\Bob Smith\\x', WINDOWS)).toBe('C:\\Users\\[user]\\x');
    expect(scrubText('C:\\Users\\Public\\x', WINDOWS)).toBe('C:\\Users\\Public\\x');
  });

  it('leaves generic account names and a root working directory alone', () => {
    const container = compilePaths({ home: '/root', userName: 'node', cwd: '/' });
    expect(scrubText('/usr/local/lib/node/x /app/src', container)).toBe('/usr/local/lib/node/x /app/src');
    expect(scrubText('/root/.npm/_logs', container)).toBe('~/.npm/_logs');
  });
});

describe('scrubText: harmless values stay readable', () => {
  for (const text of HARMLESS) {
    it(JSON.stringify(text), () => {
      expect(scrubText(text, PATHS)).toBe(text);
    });
  }
});

describe('scrubText: bounded cost', () => {
  it('cuts long values before scanning and marks the cut', () => {
    const long = 'word '.repeat(2000);
    const scrubbed = scrubText(long);
    expect(scrubbed.endsWith(TRUNCATION_MARKER)).toBe(true);
    expect(scrubbed.length).toBeLessThanOrEqual(MAX_TEXT_CHARS + TRUNCATION_MARKER.length);
  });

  it('drops a token cut in half by the cap rather than leak its start', () => {
    const secret = random(60);
    const text = `${'x '.repeat((MAX_TEXT_CHARS - 30) / 2)}${secret} tail`;
    const capped = capText(text, MAX_TEXT_CHARS);
    expect(capped).not.toContain(secret.slice(0, 10));
    expect(capped.endsWith(` ${TRUNCATION_MARKER}`)).toBe(true);
  });

  it('never splits a surrogate pair', () => {
    const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    fc.assert(
      fc.property(fc.array(fc.constantFrom('😀', ' ', 'a', '日'), { maxLength: 80 }), fc.integer({ min: 1, max: 60 }), (parts, max) => {
        expect(capText(parts.join(''), max)).not.toMatch(loneSurrogate);
      }),
    );
    expect(capText(`${'😀 '.repeat(3)}😀😀`, 7)).toBe(`😀 😀 ${TRUNCATION_MARKER}`);
  });

  it('has patterns that are linear by construction: global, and no repeated group holding an unbounded quantifier', () => {
    for (const rule of [...SECRET_RULES, ...PERSONAL_RULES, ...HOME_SEGMENT_RULES]) {
      expect(rule.pattern.flags, rule.id).toContain('g');
      expect(repeatedUnboundedGroups(rule.pattern.source), `${rule.id}: ${rule.pattern.source}`).toEqual([]);
    }
    expect(repeatedUnboundedGroups(SECRET_FLAG_ARGUMENT.source)).toEqual([]);
  });

  it('the linearity check itself finds the classic catastrophic shapes', () => {
    expect(repeatedUnboundedGroups('(a+)+$')).not.toEqual([]);
    expect(repeatedUnboundedGroups('(?:[a-z]+\\.)*x')).not.toEqual([]);
    expect(repeatedUnboundedGroups('(?:x|[a-z]*){2,5}')).not.toEqual([]);
    expect(repeatedUnboundedGroups('(?:[a-z]{1,9}\\.){1,5}[a-z]+')).toEqual([]);
  });
});

describe('scrubText: fuzzed input', () => {
  it('never throws, and returns a string no longer than the cap plus room for markers', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 6000 }), (text) => {
        const scrubbed = scrubText(text, PATHS);
        expect(typeof scrubbed).toBe('string');
        expect(scrubbed.length).toBeLessThanOrEqual(MAX_TEXT_CHARS * 2);
      }),
      { numRuns: 300 },
    );
  });

  it('never lets a planted secret through, whatever text surrounds it', () => {
    const corpus = Object.values(hostileCorpus());
    const words = fc.array(fc.constantFrom('deploy', 'x', '--flag', '=', ':', '/tmp/a', 'é', '12', 'a@b', '"', "'", '(', ')', ',', '\n', 'ok.'), { maxLength: 12 });
    fc.assert(
      fc.property(words, fc.constantFrom(...corpus), words, (before, planted, after) => {
        const text = `${before.join(' ')} ${planted.value} ${after.join(' ')}`;
        expect(scrubText(text, PATHS)).not.toContain(planted.needle);
      }),
      { numRuns: 500 },
    );
  });
});
