import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { normalizeTraceRequest } from '../src/receiver/spans.js';
import { createTelemetry } from '../src/index.js';
import type { HashAlgorithm, TelemetryOptions } from '../src/index.js';
import { CONTEXT_KEYS, LIFECYCLE_KEYS } from '../src/transparency/known-keys.js';
import type { Receiver } from './support/collector.js';
import { collector, completed, find } from './support/collector.js';
import { consentedEnv, FIXTURES, runNode, tempDir } from './support/child.js';

const APP = join(FIXTURES, 'app.mjs');

function capture(): { write(text: string): boolean; text(): string } {
  let text = '';
  return {
    write(chunk: string) {
      text += chunk;
      return true;
    },
    text: () => text,
  };
}

function telemetryIn(dir: string, env: Record<string, string> = {}, options: Pick<TelemetryOptions, 'hash' | 'identity'> = {}) {
  return createTelemetry({
    app: { name: 'acme', version: '1.2.0' },
    endpoint: 'https://telemetry.acme.example',
    attributes: { 'cli.command': { treatment: 'clear', description: 'the command | name' }, 'project.name': 'hash' },
    configDir: dir,
    env,
    ...options,
  });
}

interface DescribedJson {
  hashAlgorithm: string;
  hashing: string;
  context: { key: string }[];
  neverCollected: string[];
}

describe('the generated "what we collect" document', () => {
  it('lists every declared key with how it leaves, optel keys and context keys', () => {
    const markdown = telemetryIn(tempDir()).describe({ format: 'markdown' });
    expect(markdown).toContain('| `cli.command` | as is, scrubbed | the command \\| name |');
    expect(markdown).toContain('| `project.name` | keyed hash |');
    for (const { key } of [...LIFECYCLE_KEYS, ...CONTEXT_KEYS]) expect(markdown).toContain(`\`${key}\``);
    expect(markdown).toContain('ACME_TELEMETRY_DISABLED=1');
    expect(markdown).toContain('https://telemetry.acme.example');
  });

  it('is valid JSON in json format, with the same catalogue', () => {
    const doc = JSON.parse(telemetryIn(tempDir()).describe({ format: 'json' })) as { attributes: { key: string; sentAs: string }[] };
    expect(doc.attributes).toEqual([
      { key: 'cli.command', sentAs: 'clear', description: 'the command | name' },
      { key: 'project.name', sentAs: 'hash' },
    ]);
  });

  it("names no path of the author's machine, and not a user's endpoint override", () => {
    const dir = tempDir();
    const markdown = telemetryIn(dir, { ACME_TELEMETRY_ENDPOINT: 'http://127.0.0.1:9' }).describe();
    expect(markdown).not.toContain(dir);
    expect(markdown).not.toContain('127.0.0.1:9');
  });

  it('names the hash the app chose: a keyed hash by default, an unkeyed SHA-256 or MD5 when configured', () => {
    const cases: { algorithm: HashAlgorithm; label: string; line: RegExp }[] = [
      { algorithm: 'hmac-sha256', label: 'keyed hash', line: /^Keyed hash: HMAC-SHA256 with a random key/m },
      { algorithm: 'sha256', label: 'SHA-256 hash (unkeyed)', line: /^Hash: plain SHA-256 of the value, without a key/m },
      { algorithm: 'md5', label: 'MD5 hash (unkeyed)', line: /^Hash: plain MD5 of the value, without a key/m },
    ];
    for (const { algorithm, label, line } of cases) {
      const telemetry = telemetryIn(tempDir(), {}, { hash: { algorithm } });
      const markdown = telemetry.describe();
      expect(markdown, algorithm).toContain(`| \`project.name\` | ${label} |`);
      expect(markdown, algorithm).toMatch(line);
      const doc = JSON.parse(telemetry.describe({ format: 'json' })) as DescribedJson;
      expect(doc.hashAlgorithm).toBe(algorithm);
      if (algorithm !== 'hmac-sha256') {
        expect(markdown, algorithm).not.toMatch(/keyed hash \||HMAC/);
        expect(doc.hashing).not.toContain('HMAC');
      }
    }
  });

  it('lists optel.install.id and optel.project.id only when the app sends them', () => {
    const keysOf = (identity: TelemetryOptions['identity']) => {
      const telemetry = telemetryIn(tempDir(), {}, identity === undefined ? {} : { identity });
      const markdown = telemetry.describe();
      const json = (JSON.parse(telemetry.describe({ format: 'json' })) as DescribedJson).context.map((k) => k.key);
      const ids = ['optel.install.id', 'optel.project.id'];
      // The markdown and the JSON list the same ids.
      expect(ids.filter((key) => markdown.includes(`\`${key}\``))).toEqual(ids.filter((key) => json.includes(key)));
      return ids.filter((key) => json.includes(key));
    };
    expect(keysOf(undefined)).toEqual(['optel.install.id', 'optel.project.id']);
    expect(keysOf({ installId: false })).toEqual(['optel.project.id']);
    expect(keysOf({ projectId: false })).toEqual(['optel.install.id']);
    expect(keysOf({ installId: false, projectId: false })).toEqual([]);
  });

  it('does not promise that error messages and stack traces never leave: it says how recorded ones leave', () => {
    const doc = JSON.parse(telemetryIn(tempDir()).describe({ format: 'json' })) as DescribedJson;
    const item = doc.neverCollected.find((text) => /stack trace/.test(text));
    expect(item).toMatch(/^error messages, status messages and stack traces as written:/);
    expect(item).toContain('leaves scrubbed');
    expect(item).toContain('relative paths');
    expect(doc.neverCollected.join('\n')).not.toMatch(/\bin clear\b|file paths/);
  });

  it('lists exactly the context keys a real run sends', async () => {
    const receiver = await collector();
    try {
      await runNode([APP, 'ok'], { env: consentedEnv({ FIXTURE_ENDPOINT: receiver.url, CI: undefined }) });
      const spans = await receiver.waitFor(completed('fixture'));
      const sent = Object.keys(find(spans, 'fixture', 'completed')[0]?.resource ?? {}).sort();
      // optel.ci.vendor appears only in CI (the child runs with CI unset), the
      // project id only in a repository with a remote, the user id only when set,
      // the dev environment, cloud and runner only where one is detected.
      const conditional = ['optel.ci.vendor', 'optel.project.id', 'optel.user.id', 'optel.dev_environment', 'cloud.provider', 'optel.runner'];
      const documented = CONTEXT_KEYS.map((k) => k.key);
      expect(sent.filter((k) => !conditional.includes(k))).toEqual(documented.filter((k) => !conditional.includes(k)).sort());
      for (const key of sent) expect(documented).toContain(key);
    } finally {
      await receiver.close();
    }
  });
});

describe('the document is computed from the catalogue and the options, never asserted', () => {
  const describeWith = (attributes: NonNullable<TelemetryOptions['attributes']>, extra: Partial<TelemetryOptions> = {}) => {
    const telemetry = createTelemetry({ app: { name: 'acme' }, endpoint: 'https://telemetry.acme.example', attributes, configDir: tempDir(), env: {}, ...extra });
    return {
      markdown: telemetry.describe(),
      json: JSON.parse(telemetry.describe({ format: 'json' })) as DescribedJson & {
        identifiability: string;
        declaredPersonal: { topic: string; keys: string[] }[];
        optOut: string[];
        network: string;
        policy: { field: string; text: string }[];
      },
      diagnostics: telemetry.diagnostics().map((d) => d.message),
    };
  };
  const neverSection = (markdown: string): string => markdown.slice(markdown.indexOf('Never collected:'), markdown.indexOf('\n\n', markdown.indexOf('Never collected:') + 18));

  // Each risky key, and the claim the document must then not make (worded independently of the code).
  const risky: { key: string; treatment: 'clear' | 'hash'; claim: RegExp }[] = [
    { key: 'cli.args', treatment: 'hash', claim: /command-line arguments/ },
    { key: 'process.command_args', treatment: 'clear', claim: /command-line arguments/ },
    { key: 'file.path', treatment: 'clear', claim: /working directory/ },
    { key: 'process.cwd', treatment: 'hash', claim: /working directory/ },
    { key: 'user.name', treatment: 'hash', claim: /user name/ },
    { key: 'enduser.id', treatment: 'clear', claim: /user name/ },
    { key: 'host.name', treatment: 'clear', claim: /host name/ },
    { key: 'client.address', treatment: 'clear', claim: /IP address/ },
  ];
  for (const { key, treatment, claim } of risky) {
    it(`declaring ${key} (${treatment}): "never collected" no longer claims ${String(claim)}, and the key is named as collected`, () => {
      const { markdown, json } = describeWith({ 'cli.command': 'clear', [key]: treatment });
      expect(json.neverCollected.join('\n')).not.toMatch(claim);
      expect(neverSection(markdown)).not.toMatch(claim);
      expect(json.declaredPersonal.flatMap((d) => d.keys)).toEqual([key]);
      expect(markdown).toMatch(new RegExp(`^- .+: \`${key.replace(/\./g, '\\.')}\` \\((keyed hash|as is, scrubbed)\\)$`, 'm'));
      // The other claims stay.
      expect(json.neverCollected).toContain('any attribute the app did not declare');
    });
  }

  it('with nothing risky declared, it makes every claim', () => {
    const { json } = describeWith({ 'cli.command': 'clear', 'build.target': 'clear', 'project.name': 'hash' });
    const never = json.neverCollected.join('\n');
    for (const claim of [/host name/, /user name/, /IP address/, /command-line arguments/, /environment variables/, /working directory/]) expect(never).toMatch(claim);
    expect(json.declaredPersonal).toEqual([]);
  });

  it('says "pseudonymous" whenever records can be linked (an id or a keyed hash is sent), "anonymous" only when nothing is', () => {
    const cases: { identity: TelemetryOptions['identity']; attributes: NonNullable<TelemetryOptions['attributes']>; expected: string }[] = [
      { identity: undefined, attributes: { 'cli.command': 'clear' }, expected: 'pseudonymous' },
      { identity: { installId: false }, attributes: { 'cli.command': 'clear' }, expected: 'pseudonymous' },
      { identity: { installId: false, projectId: false }, attributes: { 'project.name': 'hash' }, expected: 'pseudonymous' },
      { identity: { installId: false, projectId: false }, attributes: { 'cli.command': 'clear' }, expected: 'anonymous' },
    ];
    for (const { identity, attributes, expected } of cases) {
      const { markdown, json } = describeWith(attributes, identity === undefined ? {} : { identity });
      expect(json.identifiability, JSON.stringify({ identity, attributes })).toBe(expected);
      expect(markdown).toContain(`acme sends ${expected} usage telemetry`);
      if (expected === 'pseudonymous') expect(markdown).not.toMatch(/sends anonymous/);
    }
  });

  it("states that the collector sees the sender's IP address unless its operator drops it", () => {
    const { markdown, json } = describeWith({});
    expect(json.network).toMatch(/^The collector at https:\/\/telemetry\.acme\.example sees the IP address each request comes from/);
    expect(json.network).toContain("kept only if the collector's operator keeps it");
    expect(markdown).toContain(json.network);
  });

  it("names the app's own disable command, and the flag only when the app passes argv (as for one run)", () => {
    const bare = describeWith({});
    expect(bare.json.optOut.join('\n')).not.toMatch(/telemetry disable|--disable-telemetry/);
    const full = describeWith({}, { consent: { disableCommand: 'acme config set telemetry off' }, argv: [] });
    expect(full.json.optOut).toContain('run `acme config set telemetry off` once: stored for you, lasting');
    expect(full.json.optOut).toContain('pass --disable-telemetry (that run only)');
    expect(full.markdown).not.toContain('acme telemetry disable');
  });

  it("carries the app's policy; an unstated answer reads 'not stated by the app' and is reported once as a diagnostic", () => {
    const stated = { purpose: 'to fix failing commands', retention: '90 days', access: 'the maintainers', published: 'never', contact: 'a@acme.example', deletion: 'email a@acme.example' };
    const full = describeWith({}, { policy: stated });
    for (const text of Object.values(stated)) expect(full.markdown).toContain(text);
    expect(full.json.policy.map((p) => p.text)).toEqual(Object.values(stated));
    expect(full.diagnostics.filter((m) => m.startsWith('policy:'))).toEqual([]);

    const { deletion: _deletion, published: _published, ...partial } = stated;
    const some = describeWith({}, { policy: partial });
    expect(some.markdown).toContain('- **Deleting your data:** not stated by the app');
    expect(some.diagnostics.filter((m) => m.startsWith('policy:'))).toEqual([
      'policy: published, deletion not stated; users are told "not stated by the app" (see the README\'s Transparency section)',
    ]);
    expect(describeWith({}).diagnostics.filter((m) => m.startsWith('policy:'))).toHaveLength(1);
  });
});

describe('the telemetry subcommand, telemetry.cli(args)', () => {
  it('status names who decided and the files used', async () => {
    const dir = tempDir();
    const stdout = capture();
    const code = await telemetryIn(dir, { DO_NOT_TRACK: '1' }).cli(['status'], { stdout, stderr: capture() });
    expect(code).toBe(0);
    expect(stdout.text()).toContain('Telemetry is disabled.');
    expect(stdout.text()).toContain('Decided by: env DO_NOT_TRACK=1');
    expect(stdout.text()).toContain(join(dir, 'telemetry.json'));
  });

  it('status --json is machine-readable', async () => {
    const stdout = capture();
    expect(await telemetryIn(tempDir()).cli(['status', '--json'], { stdout, stderr: capture() })).toBe(0);
    const status = JSON.parse(stdout.text()) as { enabled: boolean; decidedBy: string; files: Record<string, string> };
    // A fresh install in opt-out mode: this run is the one that shows the first-run notice, and sends nothing.
    expect(status.enabled).toBe(false);
    expect(status.decidedBy).toMatch(/first-run notice/);
    expect(Object.keys(status.files)).toContain('consent');
  });

  it('disable stores the answer and deletes the local key; enable turns it back on', async () => {
    const dir = tempDir();
    const telemetry = telemetryIn(dir);
    const out = capture();
    expect(await telemetry.cli(['disable'], { stdout: out, stderr: capture() })).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'telemetry.json'), 'utf8'))).toMatchObject({ enabled: false });
    expect(telemetry.consent.status().enabled).toBe(false);
    expect(await telemetry.cli(['enable'], { stdout: out, stderr: capture() })).toBe(0);
    expect(telemetry.consent.status().enabled).toBe(true);
    expect(out.text()).toContain('Telemetry disabled');
    expect(out.text()).toContain('Telemetry enabled');
  });

  it('enable says plainly when another source still says no', async () => {
    const out = capture();
    expect(await telemetryIn(tempDir(), { DO_NOT_TRACK: '1' }).cli(['enable'], { stdout: out, stderr: capture() })).toBe(0);
    expect(out.text()).toContain('It stays off for now: env DO_NOT_TRACK=1 says no');
  });

  it('describe prints the document', async () => {
    const out = capture();
    expect(await telemetryIn(tempDir()).cli(['describe'], { stdout: out, stderr: capture() })).toBe(0);
    expect(out.text()).toContain('## What acme collects');
    const json = capture();
    expect(await telemetryIn(tempDir()).cli(['describe', '--json'], { stdout: json, stderr: capture() })).toBe(0);
    expect(JSON.parse(json.text())).toHaveProperty('attributes');
  });

  for (const sub of ['status', 'enable', 'disable', 'reset', 'describe']) {
    for (const args of [[sub, '--help'], [sub, '-h'], ['help', sub]]) {
      it(`${args.join(' ')} prints that command's usage, exits 0 and changes nothing`, async () => {
        const dir = tempDir();
        const out = capture();
        const err = capture();
        expect(await telemetryIn(dir).cli(args, { stdout: out, stderr: err })).toBe(0);
        expect(out.text()).toMatch(new RegExp(`^Usage: acme telemetry ${sub}\\b`));
        expect(err.text()).toBe('');
        expect(readdirSync(dir)).toEqual([]);
      });
    }
  }

  it('status shows the stored install id and how to ask for deletion, and never creates an id', async () => {
    const dir = tempDir();
    const telemetry = createTelemetry({
      app: { name: 'acme' },
      endpoint: 'https://telemetry.acme.example',
      configDir: dir,
      env: {},
      policy: { deletion: 'email privacy@acme.example with your install id' },
    });
    const before = capture();
    await telemetry.cli(['status'], { stdout: before, stderr: capture() });
    expect(before.text()).toContain('Install id: none stored\n');
    expect(before.text()).toContain('Deleting your data: email privacy@acme.example with your install id\n');
    expect(existsSync(join(dir, 'telemetry-id'))).toBe(false);
    const id = '0b5c3a4e-8f1d-4c2a-9e7b-1d2c3b4a5f60';
    writeFileSync(join(dir, 'telemetry-id'), `${id}\n`);
    const after = capture();
    await telemetry.cli(['status'], { stdout: after, stderr: capture() });
    expect(after.text()).toContain(`Install id: ${id}\n`);
    const json = capture();
    await telemetry.cli(['status', '--json'], { stdout: json, stderr: capture() });
    expect(JSON.parse(json.text())).toMatchObject({ installId: id, deletion: 'email privacy@acme.example with your install id' });
  });

  it('reset forgets the answers and the notice record, deletes the install id, the key and pending records, says what it deleted, and leaves the project file', async () => {
    const dir = tempDir();
    const files = ['telemetry.json', 'telemetry-notice.json', 'telemetry-id', 'telemetry-key'];
    for (const file of files) writeFileSync(join(dir, file), '{}\n');
    mkdirSync(join(dir, 'telemetry-pending'));
    writeFileSync(join(dir, 'telemetry-pending', 'a.otlp.json'), '{}');
    const telemetry = telemetryIn(dir);
    const out = capture();
    expect(await telemetry.cli(['reset'], { stdout: out, stderr: capture() })).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
    for (const file of [...files, 'telemetry-pending']) expect(out.text()).toContain(`Deleted ${join(dir, file)}\n`);
    // Nothing to forget the second time, and it says so.
    const again = capture();
    expect(await telemetryIn(dir).cli(['reset'], { stdout: again, stderr: capture() })).toBe(0);
    expect(again.text()).toContain('There was nothing to delete.');
  });

  for (const args of [['bogus'], ['status', '--yaml'], ['enable', '--everywhere'], ['describe', '--json', '--markdown'], ['status', 'extra'], ['reset', '--project'], ['help', 'bogus']]) {
    it(`rejects ${JSON.stringify(args)} with a clear message and exit code 2, changing nothing`, async () => {
      const dir = tempDir();
      const out = capture();
      const err = capture();
      expect(await telemetryIn(dir).cli(args, { stdout: out, stderr: err })).toBe(2);
      expect(err.text()).toMatch(/^acme telemetry: .+\nRun 'acme telemetry help' for usage\.\n$/);
      expect(out.text()).toBe('');
      expect(existsSync(join(dir, 'telemetry.json'))).toBe(false);
    });
  }

  it('help prints usage and succeeds', async () => {
    const out = capture();
    expect(await telemetryIn(tempDir()).cli(['help'], { stdout: out, stderr: capture() })).toBe(0);
    expect(out.text()).toContain('Usage: acme telemetry <command>');
  });

  it('with no arguments shows the status', async () => {
    const out = capture();
    expect(await telemetryIn(tempDir()).cli([], { stdout: out, stderr: capture() })).toBe(0);
    // A fresh install: the status of the run that would show the first-run notice.
    expect(out.text()).toContain('Telemetry is disabled.');
    expect(out.text()).toContain('Decided by: first-run notice');
  });
});

describe('seeing what is sent', () => {
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await collector();
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('debug mode prints every record that would be sent, and sends nothing', async () => {
    const result = await runNode([APP, 'ok'], { env: consentedEnv({ FIXTURE_ENDPOINT: receiver.url, FIXTURE_TELEMETRY_DEBUG: '1' }) });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('app output\n');
    expect(result.stderr).toContain('(debug mode: nothing is sent)');
    expect(result.stderr).toContain('build  [completed]');
    expect(result.stderr).toContain('cli.command = "build"');
    expect(result.stderr).toMatch(/project\.name = "[0-9a-f]{16}"/);
    expect(result.stderr).not.toContain('drop me');
    expect(receiver.requests).toHaveLength(0);
  });

  it('the audit log holds exactly what the collector received', async () => {
    const log = join(tempDir(), 'sent.log');
    await runNode([APP, 'ok'], { env: consentedEnv({ FIXTURE_ENDPOINT: receiver.url, FIXTURE_TELEMETRY_LOG: log }) });
    await receiver.waitFor(completed('fixture'));
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines.length).toBe(receiver.requests.length);
    const logged = lines.flatMap((line) => normalizeTraceRequest(JSON.parse(line)));
    const key = (s: { spanId: string; name: string; attributes: Record<string, unknown> }) => JSON.stringify([s.spanId, s.name, s.attributes]);
    expect(logged.map(key).sort()).toEqual(receiver.spans.map(key).sort());
    expect(readFileSync(log, 'utf8')).toBe(receiver.requests.map((r) => `${r.body.toString('utf8')}\n`).join(''));
  });
});
