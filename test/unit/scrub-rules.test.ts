/**
 * What each scrubbing rule hides and what it leaves readable, value by value:
 * a token is replaced whole (not just its first characters), each card
 * issuer, address form and home-directory layout the README names is
 * caught, and the lookalikes each rule's second check exists for stay as
 * they were.
 */
import { describe, expect, it } from 'vitest';
import { compilePaths } from '../../src/privacy/local-paths.js';
import { scrubText } from '../../src/privacy/scrub-text.js';

/** `prefix` filled to `length` digits, the last one a valid Luhn check digit. */
function luhnValid(prefix: string, length = 16): string {
  const filler = '73920518467305918264';
  let body = prefix;
  for (let i = 0; body.length < length - 1; i++) body += filler[i % filler.length] ?? '0';
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    // Counted from the right with the check digit still to come, so every other digit from the last one is doubled.
    let digit = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return `${body}${(10 - (sum % 10)) % 10}`;
}

describe('known token formats are replaced whole, with nothing of them left behind', () => {
  const cases: readonly (readonly [string, string])[] = [
    ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c', 'jwt'],
    ['A3TXQ7LM2PZ9KD4RT5WN', 'aws-access-key'],
    ['glpat-abcdefghij0123456789', 'gitlab-token'],
    ['xoxb-1234567890-abcdef', 'slack-token'],
    [`AIza${'a'.repeat(35)}`, 'google-key'],
    ['ya29.a0AfH6SMBx3k9mQ2pL7vR4', 'google-key'],
    ['sk_test_abcdefghij', 'stripe-key'],
    ['rk_live_0123456789', 'stripe-key'],
    ['-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg\n-----END EC PRIVATE KEY-----', 'private-key'],
  ];
  for (const [value, kind] of cases) {
    it(`${kind}: ${value.slice(0, 12)}…`, () => {
      expect(scrubText(`x ${value} y`)).toBe(`x [redacted:${kind}] y`);
    });
  }

  it("a JWT's signature goes with the rest of it", () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
    expect(scrubText(`Authorization=${jwt};`)).not.toContain('SflKx');
  });
});

describe('credentials in URLs', () => {
  it('a token given as the user part of a URL is hidden, even without a password', () => {
    expect(scrubText('clone https://oauth2token@gitlab.example.com/acme/x.git')).toBe('clone https://[redacted:url-credentials]@gitlab.example.com/acme/x.git');
  });

  it('a GitHub token inside a URL is named for what it is, not hidden twice', () => {
    expect(scrubText('https://ghp_0123456789abcdefghijABCDEFGHIJ0123@github.com/acme/x.git')).toBe('https://[redacted:github-token]@github.com/acme/x.git');
  });

  it('the git@ service account of an ssh URL is not a credential', () => {
    expect(scrubText('ssh://git@github.com/acme/repo.git')).toBe('ssh://git@github.com/acme/repo.git');
  });
});

describe('Authorization headers', () => {
  it('a bearer token after a tab or several spaces is hidden', () => {
    expect(scrubText('Authorization: Bearer\tabcdefghijk1')).toBe('Authorization: Bearer\t[redacted:bearer]');
    expect(scrubText('Bearer   abcdefghijk1')).toBe('Bearer   [redacted:bearer]');
  });

  it('a bearer token is long (32 characters) or has a digit (12 or more); an ordinary word after "bearer" stays', () => {
    expect(scrubText('Bearer abcdefghijklmnopqrstuvwxyzabcdef')).toBe('Bearer [redacted:bearer]');
    expect(scrubText('Bearer abcdefghijklmnopqrstuvwxyzabcde')).toBe('Bearer abcdefghijklmnopqrstuvwxyzabcde');
    expect(scrubText('Bearer abcdefghijk1')).toBe('Bearer [redacted:bearer]');
    expect(scrubText('Bearer abcdefghij1')).toBe('Bearer abcdefghij1');
  });

  it('basic credentials are hidden with or without base64 padding, after any run of blanks', () => {
    const unpadded = Buffer.from('ab:cde').toString('base64');
    const padded = Buffer.from('jane:pw').toString('base64');
    expect(unpadded).not.toContain('=');
    expect(padded).toMatch(/==$/);
    expect(scrubText(`Basic ${unpadded}`)).toBe('Basic [redacted:basic-auth]');
    expect(scrubText(`Authorization: Basic  ${padded} x`)).toBe('Authorization: Basic  [redacted:basic-auth] x');
  });
});

describe('assigned secrets', () => {
  for (const key of ['api_key', 'api-key', 'access_key', 'accesskey', 'private_key', 'privatekey', 'credential', 'credentials', 'auth_key', 'authkey', 'auth-token', 'secretkey', 'secret_key', 'passwordhash']) {
    it(`the value of ${key}= is hidden`, () => {
      expect(scrubText(`${key}=s3cr3tvalue`)).toBe(`${key}=[redacted:secret]`);
    });
  }

  it('blanks around the = or : do not hide the value from the rule', () => {
    expect(scrubText('password = hunter2')).toBe('password = [redacted:secret]');
    expect(scrubText('"token" :  "hunter2"')).toBe('"token" :  "[redacted:secret]"');
  });

  it('a password that merely ends in digits is still a password', () => {
    expect(scrubText('password=hunter123')).toBe('password=[redacted:secret]');
    expect(scrubText('password=1234')).toBe('password=[redacted:secret]');
  });

  for (const placeholder of ['123', '***', 'xxxx', '...', '${DB_PASS}', '$DB_PASS', '%DB_PASS%', 'none', 'false']) {
    it(`the placeholder password=${placeholder} stays readable`, () => {
      expect(scrubText(`password=${placeholder}`)).toBe(`password=${placeholder}`);
    });
  }

  it('the value of a secret flag is hidden whole, after any of its spellings', () => {
    for (const flag of ['-password', '--password', '--db-password', '--apikey', '--api-key', '--accesskey', '--access-key', '--privatekey', '--private-key']) {
      expect(scrubText(`deploy ${flag} hunter2 --yes`), flag).toBe(`deploy ${flag} [redacted:secret] --yes`);
    }
    expect(scrubText('--api-key   hunter2')).toBe('--api-key   [redacted:secret]');
  });

  it('a secret flag followed by a placeholder or by another flag hides nothing', () => {
    expect(scrubText('--password <secret>')).toBe('--password <secret>');
    expect(scrubText('--password ${PW}')).toBe('--password ${PW}');
    expect(scrubText('--password --yes')).toBe('--password --yes');
  });
});

describe('high-entropy tokens', () => {
  it('a 20-character random token is caught; one character shorter is not judged', () => {
    expect(scrubText('id Xk9mQ2pL7vR4tW8zN3bC end')).toBe('id [redacted:token] end');
    expect(scrubText('id Xk9mQ2pL7vR4tW8zN3b end')).toBe('id Xk9mQ2pL7vR4tW8zN3b end');
  });

  it('a random token holding a short lower-case run is still a token', () => {
    expect(scrubText('Xk9mQ2pabcL7vR4tW8zN3bC')).toBe('[redacted:token]');
  });

  it('short tokens may repeat a few characters and still be caught', () => {
    expect(scrubText('Qx7Lm2Pz9Kd4Rt5WQx7L')).toBe('[redacted:token]');
    expect(scrubText('Qx7Lm2Pz9Kd4Rt5Wn8Vb3Qx7Lm2Pz9Kd4Rt5Wn8V')).toBe('[redacted:token]');
  });

  it('a long run of few distinct characters is not random', () => {
    expect(scrubText('AAAAAAAAAAaaaaaaaaaa1111111111')).toBe('AAAAAAAAAAaaaaaaaaaa1111111111');
  });

  it('a run that repeats its own pieces is not random either', () => {
    expect(scrubText('Xk9mXk9mQ2pLQ2pL7vR4')).toBe('Xk9mXk9mQ2pLQ2pL7vR4');
  });

  it('an identifier made of lower-case words and a few digits and capitals stays', () => {
    expect(scrubText('quick7Z2brown4X9jumps')).toBe('quick7Z2brown4X9jumps');
  });

  it('24 or more random characters of one case mixed with digits are a token (base32, base36 keys)', () => {
    for (const text of ['k3j5h7g9f2d4s6a8q1w3e5r7', 'K3J5H7G9F2D4S6A8Q1W3E5R7']) expect(scrubText(text)).toBe('[redacted:token]');
  });

  it('words of one case with a number glued on are not a token', () => {
    for (const text of ['releasecandidatebuild2024', 'DEPLOYMENT_TARGET_REGION_EU_2', 'kubernetesdeploymentv2']) expect(scrubText(text)).toBe(text);
  });

  it('24 or more random letters in both cases are a token; camelCase words are not', () => {
    expect(scrubText('hf_QmTxRbWkLpZvNcYsDgHjFeUaKiOqXwMnBvCz')).toBe('[redacted:provider-token]');
    expect(scrubText('xQmTxRbWkLpZvNcYsDgHjFeUaKiOq')).toBe('[redacted:token]');
    expect(scrubText('getUserAccountSettingsHandlerForAdmin')).toBe('getUserAccountSettingsHandlerForAdmin');
  });

  it('32 or more hex characters (a digest, an API key) are caught in either case', () => {
    for (const text of ['0123456789abcdef0123456789abcdef', '0123456789ABCDEF0123456789ABCDEF', 'abcd0123abcd0123abcd0123abcd0123', 'key 4b825dc642cb6eb9a060e54bf8d69288fbee4904']) {
      expect(scrubText(text), text).toMatch(/\[redacted:token\]$/);
    }
  });

  it('a 40-character commit id right after "commit", "sha" or @ stays readable', () => {
    for (const text of ['commit 4b825dc642cb6eb9a060e54bf8d69288fbee4904', 'uses: actions/checkout@4b825dc642cb6eb9a060e54bf8d69288fbee4904', 'sha: 4b825dc642cb6eb9a060e54bf8d69288fbee4904']) {
      expect(scrubText(text), text).toBe(text);
    }
  });

  it('hex that is short, has no digit, has no letter, or barely varies stays', () => {
    for (const text of ['0123456789abcdef0123456789abcde', 'deadbeefdeadbeefdeadbeefdeadbeef', '12345678901234567890123456789012345', 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1']) {
      expect(scrubText(text), text).toBe(text);
    }
  });

  it('a base64 secret holding two slashes is still read as one token', () => {
    expect(scrubText('aws_key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')).toBe('aws_key [redacted:token]');
  });

  it('a path of many short segments is judged by its segments: harmless ones stay, a random one is caught', () => {
    expect(scrubText('cache/v2/Ab/3f/Zq/9K/x7/Lm/4p/Q8/w3')).toBe('cache/v2/Ab/3f/Zq/9K/x7/Lm/4p/Q8/w3');
    expect(scrubText('/srv/app/node_modules/@babel/helper-module-transforms/lib/index.js')).toBe('/srv/app/node_modules/@babel/helper-module-transforms/lib/index.js');
    const shared = scrubText('https://example.com/files/Xk9mQ2pL7vR4tW8zN3bC/download');
    expect(shared).not.toContain('Xk9mQ2pL7vR4tW8zN3bC');
    expect(shared).toContain('[redacted:token]');
  });
});

describe('payment cards', () => {
  const issuers: readonly (readonly [string, string])[] = [
    ['Visa', '4'],
    ['Mastercard 51', '51'],
    ['Mastercard 55', '55'],
    ['Mastercard 2221', '2221'],
    ['Mastercard 2229', '2229'],
    ['Mastercard 2230', '2230'],
    ['Mastercard 2500', '2500'],
    ['Mastercard 2710', '2710'],
    ['Mastercard 2720', '2720'],
    ['Amex 34', '34'],
    ['Amex 37', '37'],
    ['Discover 6011', '6011'],
    ['Discover 644', '644'],
    ['Discover 649', '649'],
    ['Discover 65', '65'],
    ['JCB 3528', '3528'],
    ['JCB 3566', '3566'],
    ['JCB 3589', '3589'],
    ['Diners 300', '300'],
    ['Diners 305', '305'],
    ['Diners 36', '36'],
    ['Diners 38', '38'],
    ['UnionPay 62', '62'],
    ['Maestro 50', '50'],
    ['Maestro 56', '56'],
    ['Maestro 58', '58'],
    ['Maestro 63', '63'],
    ['Maestro 67', '67'],
  ];
  for (const [issuer, prefix] of issuers) {
    it(`a ${issuer} number is hidden`, () => {
      expect(scrubText(`pay ${luhnValid(prefix)} now`)).toBe('pay [redacted:card] now');
    });
  }

  it('a number that passes the Luhn check but has no issuer prefix stays (an order or tracking number)', () => {
    for (const prefix of ['1', '7', '8', '9', '0', '59', '2000', '2100', '2200', '2210', '2220', '2721', '2750', '2800', '31', '39', '306', '3500', '3527', '3590', '60', '6012', '61', '6400', '66', '68', '69']) {
      const number = luhnValid(prefix);
      expect(scrubText(`order ${number}`), number).toBe(`order ${number}`);
    }
  });
});

describe('payment cards and the words around them', () => {
  it('digits inside a hex digest stay, even when they pass the issuer and Luhn checks (a fingerprint reported as clear)', () => {
    // 4106189289607 alone is a valid Visa-shaped number.
    expect(scrubText('pay 4106189289607 now')).toBe('pay [redacted:card] now');
    expect(scrubText('fingerprint a9f4106189289607')).toBe('fingerprint a9f4106189289607');
    expect(scrubText('sha 4106189289607bcd')).toBe('sha 4106189289607bcd');
  });

  it('a card set off by punctuation, an underscore or a dash is still hidden', () => {
    const card = '4111111111111111';
    for (const text of [`card:${card}`, `id_${card}`, `(${card})`, `cc=${card}&x=1`, `x-${card}`]) {
      expect(scrubText(text), text).not.toContain(card);
    }
  });
});

describe('IP addresses', () => {
  it('the unspecified and broadcast IPv4 addresses identify nobody and stay', () => {
    expect(scrubText('bind 0.0.0.0 and 255.255.255.255')).toBe('bind 0.0.0.0 and 255.255.255.255');
  });

  it('an address followed by punctuation loses only the address', () => {
    expect(scrubText('host 10.0.0.15, port 22')).toBe('host [redacted:ip], port 22');
  });

  it('dotted numbers that are not addresses stay: an octet over 255, five parts', () => {
    for (const text of ['256.1.1.1', '1.1.1.256', 'version 1.2.3.4.5']) expect(scrubText(text)).toBe(text);
  });

  it('IPv6 addresses in full form, compressed at the end, and with seven groups are hidden', () => {
    expect(scrubText('2001:0db8:85a3:0000:0000:8a2e:0370:7334')).toBe('[redacted:ip]');
    expect(scrubText('network 2001:db8:: route')).toBe('network [redacted:ip] route');
    expect(scrubText('2001:db8:1:2:3:4::5')).toBe('[redacted:ip]');
    expect(scrubText('10::1')).toBe('[redacted:ip]');
  });

  it('a short all-digit IPv6 address is hidden too', () => {
    expect(scrubText('2001:0:1:2::3')).toBe('[redacted:ip]');
  });

  for (const loopback of [
    '::1', '::', '0:0:0:0:0:0:0:1', '0000:0000:0000:0000:0000:0000:0000:0001', '0::1', '::0000:0001', '0:0::0:1', '0:0:0:0:0:0:0:0', '0000:0000::',
    '::ffff:127.0.0.1', '::ffff:127.10.20.30', '::FFFF:127.1.2.3', '0:0:0:0:0:ffff:127.0.0.1', '0000:0000:0000:0000:0000:ffff:127.0.0.1',
  ]) {
    it(`the loopback or unspecified address ${loopback} stays, in any spelling`, () => {
      expect(scrubText(`listening on ${loopback} ok`)).toBe(`listening on ${loopback} ok`);
      expect(scrubText(`[${loopback}]:8080`)).toBe(`[${loopback}]:8080`);
    });
  }

  it('a loopback address with a zone stays', () => {
    expect(scrubText('on 0:0:0:0:0:0:0:1%lo ok')).toBe('on 0:0:0:0:0:0:0:1%lo ok');
  });

  it('addresses that only look like loopback are hidden whole', () => {
    for (const address of ['0:0:0:0:0:0:0:2', '1:0:0:0:0:0:0:1', '0:0:0:0:0:0:1:0', '0:0:0:0:0:0:1:1', '0::1:1', '0:0:1::', '1000:0::', '1::ffff:127.0.0.1', 'fe80::ffff:127.0.0.1']) {
      expect(scrubText(`from ${address} ok`), address).toBe('from [redacted:ip] ok');
    }
  });

  it('a::b (a name path, not an address) stays', () => {
    expect(scrubText('a::b')).toBe('a::b');
  });
});

describe('MAC addresses and emails', () => {
  it('a MAC address in a sentence is hidden, with colons or dashes', () => {
    expect(scrubText('mac 00:1a:2b:3c:4d:5e on eth0')).toBe('mac [redacted:mac] on eth0');
    expect(scrubText('mac 00-1A-2B-3C-4D-5E on eth0')).toBe('mac [redacted:mac] on eth0');
  });

  it('an email address with digits in it is still an email address', () => {
    expect(scrubText('from jane.doe42@corp.example.com')).toBe('from [redacted:email]');
  });

  for (const extension of ['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'ico', 'js', 'mjs', 'cjs', 'ts', 'tsx', 'jsx', 'json', 'css', 'map', 'html', 'md', 'txt', 'wasm', 'gz', 'tgz']) {
    it(`an asset name like icon@2x.${extension} is not an email address`, () => {
      expect(scrubText(`load icon@2x.${extension}`)).toBe(`load icon@2x.${extension}`);
    });
  }
});

describe("other users' home directories", () => {
  it('a Windows home after other text, or written with forward or doubled backslashes, loses its user name', () => {
    expect(scrubText('see C:\\Users\\Bob\\x')).toBe('see C:\\Users\\[user]\\x');
    expect(scrubText('C:/Users/Bob/x')).toBe('C:/Users/[user]/x');
    expect(scrubText('{"p":"C:\\\\Users\\\\Bob\\\\x"}')).toBe('{"p":"C:\\\\Users\\\\[user]\\\\x"}');
    expect(scrubText('C:\\Documents and Settings\\Bob\\x')).toBe('C:\\Documents and Settings\\[user]\\x');
    expect(scrubText('/export/home/bob/x')).toBe('/export/home/[user]/x');
  });

  for (const shared of ['Shared', 'Public', 'Default', 'Default User', 'All Users', 'Guest']) {
    it(`the shared home ${shared} names nobody and stays`, () => {
      expect(scrubText(`C:\\Users\\${shared}\\x`)).toBe(`C:\\Users\\${shared}\\x`);
    });
  }
  it('shared homes stay on macOS and Linux too', () => {
    expect(scrubText('/Users/Guest/x and /home/Public/x')).toBe('/Users/Guest/x and /home/Public/x');
  });
});

describe('the login name as a path segment', () => {
  const roles = [
    'root', 'admin', 'administrator', 'user', 'users', 'guest', 'default', 'public', 'shared', 'node', 'app', 'www-data',
    'nobody', 'runner', 'ubuntu', 'debian', 'ec2-user', 'centos', 'fedora', 'vagrant', 'jenkins', 'gitlab-runner',
    'build', 'builder', 'buildkite-agent', 'circleci', 'travis', 'vscode', 'codespace', 'gitpod', 'docker', 'git',
  ];
  for (const role of roles) {
    it(`a login name that names a role (${role}) is not replaced in paths`, () => {
      const paths = compilePaths({ userName: role });
      expect(scrubText(`/opt/${role}/bin and /srv/${role}`, paths)).toBe(`/opt/${role}/bin and /srv/${role}`);
    });
  }
});

describe('values named like a secret, in every syntax', () => {
  const value = 'k3j5h7g9';
  const forms: readonly (readonly [string, string])[] = [
    [`githubToken := "${value}"`, 'githubToken := "[redacted:secret]"'],
    [`GITHUB_TOKEN ::= ${value}`, 'GITHUB_TOKEN ::= [redacted:secret]'],
    [`GITHUB_TOKEN :::= "${value}"`, 'GITHUB_TOKEN :::= "[redacted:secret]"'],
    [`API_TOKEN ?= ${value}`, 'API_TOKEN ?= [redacted:secret]'],
    [`$apiToken .= '${value}';`, "$apiToken .= '[redacted:secret]';"],
    [`$apiToken ??= '${value}';`, "$apiToken ??= '[redacted:secret]';"],
    [`"xToken" => "${value}",`, '"xToken" => "[redacted:secret]",'],
    [`<xToken>${value}</xToken>`, '<xToken>[redacted:secret]</xToken>'],
    [`<add key="ClearTextPassword" value="${value}" />`, '<add key="ClearTextPassword" value="[redacted:secret]" />'],
    [`<entry key="db.password">${value}</entry>`, '<entry key="db.password">[redacted:secret]</entry>'],
    [`System.setProperty("X_TOKEN", "${value}");`, 'System.setProperty("X_TOKEN", "[redacted:secret]");'],
    [`var xToken string = "${value}"`, 'var xToken string = "[redacted:secret]"'],
    [`const apiKey: string = '${value}';`, "const apiKey: string = '[redacted:secret]';"],
    [`password       = "${value}"`, 'password       = "[redacted:secret]"'],
    [`password = "correct horse ${value}"`, 'password = "[redacted:secret]"'],
    [`apiToken,${value},`, 'apiToken,[redacted:secret],'],
    [`api_token: |\n  ${value}`, 'api_token: |\n  [redacted:secret]'],
    [`- name: API_TOKEN\n  value: "${value}"`, '- name: API_TOKEN\n  value: "[redacted:secret]"'],
    [`DB_PASS=${value}`, 'DB_PASS=[redacted:secret]'],
    [`AZURE_DEVOPS_PAT=${value}`, 'AZURE_DEVOPS_PAT=[redacted:secret]'],
    [`ENV API_TOKEN ${value}`, 'ENV API_TOKEN [redacted:secret]'],
    [`machine api.example.com login jane password ${value}`, 'machine api.example.com login jane password [redacted:secret]'],
    [`curl -u jane:${value} https://x.example.com`, 'curl -u [redacted:secret] https://x.example.com'],
    [`mysql -u root -p${value} app`, 'mysql -u root -p[redacted:secret] app'],
    [`BUNDLE_GEMS__CONTRIBSYS__COM=jane:${value}`, 'BUNDLE_GEMS__CONTRIBSYS__COM=[redacted:secret]'],
    [`//npm.pkg.example.com/:_authToken=${value}`, '//npm.pkg.example.com/:_authToken=[redacted:secret]'],
    [`redis://:${value}@cache:6379`, 'redis://[redacted:url-credentials]@cache:6379'],
  ];
  for (const [text, expected] of forms) {
    it(JSON.stringify(text), () => {
      expect(scrubText(text)).toBe(expected);
    });
  }

  it('whatever the value looks like: lower case and digits, a UUID, digits only, upper case, short', () => {
    for (const v of ['k3j5h7g9f2d4', '550e8400-e29b-41d4-a716-446655440000', '83920175', 'QWERTYUIOP', 'xY7$ab']) {
      expect(scrubText(`secret_key: ${v}`), v).toBe('secret_key: [redacted:secret]');
    }
  });

  it('a short common name hides only a value that looks like a credential', () => {
    expect(scrubText('stripeKey: "rk4f8a9s2d"')).toBe('stripeKey: "[redacted:secret]"');
    expect(scrubText(`"auth": "${Buffer.from('jane:pw').toString('base64')}"`)).toBe('"auth": "[redacted:secret]"');
    for (const text of ['sortKey: createdAt', 'key: value', 'compass: north', 'bypass=yes', 'pattern: foo']) expect(scrubText(text), text).toBe(text);
  });

  it('expressions and placeholders that name where a secret comes from stay', () => {
    for (const text of ['password = var.db_password', 'password: ${aws_db_instance.default.password}', 'token: ${{ secrets.NPM_TOKEN }}', 'password: {{ .Values.db.password }}', 'api_key = os.environ["API_KEY"]', 'token = ENV.fetch("GITHUB_TOKEN")', 'secret_key = settings.SECRET_KEY']) {
      expect(scrubText(text), text).toBe(text);
    }
  });

  it('a colon glued to what follows is not an assignment (group:artifact)', () => {
    expect(scrubText('io.jsonwebtoken:jjwt-jackson-0.11.2')).toBe('io.jsonwebtoken:jjwt-jackson-0.11.2');
  });
});

describe('prefixed provider tokens', () => {
  const tokens: readonly string[] = [
    `hf_${'QmTxRbWkLpZvNcYsDgHjFeUaKiOqXwMnBv'}`,
    `gsk_${'a1B2c3D4e5'.repeat(5)}ab`,
    `tskey-auth-k${'a1B2c3D4e5'}CNTRL-${'a1B2c3D4e5'.repeat(3)}`,
    `AGE-SECRET-KEY-1${'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L'.repeat(2).slice(0, 58)}`,
    `ABSK${Buffer.from('bedrock-api-key-example-0123456789').toString('base64')}`,
    `dapi${'0123456789abcdef'.repeat(2)}`,
    `dp.st.${'a1B2c3D4e5'.repeat(4)}`,
    `lin_api_${'a1B2c3D4e5'.repeat(4)}`,
    `SG.${'a1B2c3D4e5_'.repeat(2)}.${'a1B2c3D4e5-'.repeat(5).slice(0, 43)}`,
  ];
  for (const token of tokens) {
    it(`${token.slice(0, 8)}… is hidden whole, alone and in a sentence`, () => {
      expect(scrubText(token)).toMatch(/^\[redacted:[a-z-]+\]$/);
      expect(scrubText(`using ${token} now`)).toMatch(/^using \[redacted:[a-z-]+\] now$/);
    });
  }

  it('JWT-like values whose parts both start with ey, and JWTs of spaced JSON, are hidden whole', () => {
    expect(scrubText('x eyAbCdEfGhIjKlMnOpQr.eyStUvWxYz0123456789ab/cd.efghij0123 y')).toBe('x [redacted:jwt] y');
    const spaced = `${Buffer.from('{ "alg": "HS256" }').toString('base64url')}.${Buffer.from('{ "sub": "1" }').toString('base64url')}.c2lnbmF0dXJl`;
    expect(scrubText(spaced)).toBe('[redacted:jwt]');
    expect(scrubText('eyebrow-shape.component.ts')).toBe('eyebrow-shape.component.ts');
  });
});

describe('versions are not addresses', () => {
  it('a WSL kernel, a four-part version and a version after a keyword stay; an address is hidden', () => {
    for (const text of ['5.15.153.1-microsoft-standard-WSL2', '2.1.0.4', 'System.Runtime 6.0.0.0', 'Version=4.2.2.0', 'v10.24.11.200', 'build 12.4.19.250', 'pkg-10.2.3.44']) {
      expect(scrubText(text), text).toBe(text);
    }
    for (const text of ['10.1.2.3', '192.168.1.20', 'host 172.16.40.12 down', '8.8.100.8']) expect(scrubText(text), text).toContain('[redacted:ip]');
  });
});
