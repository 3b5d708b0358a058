/**
 * telemetry.consent in process: the first-run notice, answers stored in the
 * project file, answers that can't be stored, and failures while reading
 * consent, which must all end in "no" rather than in an exception. The
 * working directory is a stand-in (process.cwd() is replaced), so nothing
 * here looks at or writes into the real one or the home directory.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { Consent } from '../../src/consent/consent.js';
import { userFiles } from '../../src/files/user-files.js';
import { Diagnostics } from '../../src/diagnostics.js';
import { createTelemetry } from '../../src/index.js';
import type { TelemetryOptions } from '../../src/index.js';
import { tempDir } from '../support/child.js';

afterEach(() => {
  vi.restoreAllMocks();
});

function telemetryIn(dir: string, options: Partial<TelemetryOptions> = {}): ReturnType<typeof createTelemetry> {
  return createTelemetry({ app: { name: 'acme' }, endpoint: 'https://telemetry.invalid', configDir: dir, env: {}, ...options });
}

/** A config dir that can never be created: a regular file stands where its parent should be. */
function unwritableDir(): string {
  const file = join(tempDir(), 'not-a-dir');
  writeFileSync(file, 'x');
  return join(file, 'acme');
}

/** A repository (a directory holding .git) with a package inside it, as the working directory. */
function inRepository(): { readonly root: string; readonly pkg: string } {
  const root = join(tempDir(), 'repo');
  const pkg = join(root, 'packages', 'cli');
  mkdirSync(join(root, '.git'), { recursive: true });
  mkdirSync(pkg, { recursive: true });
  vi.spyOn(process, 'cwd').mockReturnValue(pkg);
  return { root, pkg };
}

function captureStderr(): { readonly text: () => string } {
  let written = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written += String(chunk);
    return true;
  });
  return { text: () => written };
}

const messages = (telemetry: { diagnostics(): readonly { message: string }[] }): string[] => telemetry.diagnostics().map((d) => d.message);

/** Makes this process's stderr a terminal (or not) for the test; the notice counts as seen only on one. */
function stderrIsTerminal(terminal: boolean): void {
  const own = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
  Object.defineProperty(process.stderr, 'isTTY', { value: terminal, configurable: true, writable: true });
  onTestFinished(() => {
    if (own === undefined) delete (process.stderr as { isTTY?: boolean }).isTTY;
    else Object.defineProperty(process.stderr, 'isTTY', own);
  });
}

describe('the first-run notice (opt-out mode)', () => {
  beforeEach(() => {
    stderrIsTerminal(true);
  });

  it('with stderr not a terminal, is neither shown nor recorded, nothing is sent, and status says why', () => {
    stderrIsTerminal(false);
    const dir = join(tempDir(), 'acme');
    const stderr = captureStderr();
    const telemetry = telemetryIn(dir);
    telemetry.sampler();
    expect(stderr.text()).toBe('');
    expect(existsSync(join(dir, 'telemetry-notice.json'))).toBe(false);
    expect(telemetry.consent.status()).toMatchObject({ enabled: false, notice: 'this-run' });
    expect(telemetry.consent.status().decidedBy).toMatch(/not shown, because stderr is not a terminal/);
    expect(messages(telemetry)).toContain('first-run notice due, but stderr is not a terminal: not shown or recorded; nothing is sent in this run');
    // The next process, still without a terminal, is in the same place.
    expect(telemetryIn(dir).consent.status()).toMatchObject({ enabled: false, notice: 'this-run' });
  });
  it('is printed once on stderr and recorded; that run sends nothing, the next one sends', () => {
    const dir = join(tempDir(), 'acme');
    const stderr = captureStderr();
    const telemetry = telemetryIn(dir, { consent: { docs: 'https://acme.example/telemetry' } });
    telemetry.sampler();
    telemetry.sampler();
    expect(stderr.text()).toBe(
      'acme collects usage data: which commands run, how they end and how long they take; the acme version, your OS and Node.js versions; the kind of machine it runs on (CPU count, container, cloud); a random install id.\n' +
        'Nothing was sent this time; sending starts with the next run.\n' +
        'To turn it off for good, set ACME_TELEMETRY_DISABLED=1 (or DO_NOT_TRACK=1) in your environment.\n' +
        'Details: https://acme.example/telemetry\n',
    );
    expect(JSON.parse(readFileSync(join(dir, 'telemetry-notice.json'), 'utf8'))).toMatchObject({ shownVersion: '1' });
    expect(telemetry.consent.status()).toMatchObject({
      enabled: false,
      notice: 'this-run',
      decidedBy: 'first-run notice (consent version 1): the run that shows it sends nothing; sending starts with the next run',
    });
    expect(messages(telemetry)).toContain('first-run notice shown; nothing is sent in this run');
    expect(telemetryIn(dir).consent.status()).toMatchObject({ enabled: true, notice: 'seen' });
  });

  it('is not shown when it cannot be recorded; nothing is sent, and status says why', () => {
    const dir = unwritableDir();
    const stderr = captureStderr();
    const telemetry = telemetryIn(dir);
    telemetry.sampler();
    expect(stderr.text()).toBe('');
    const status = telemetry.consent.status();
    expect(status).toMatchObject({ enabled: false, notice: 'this-run' });
    expect(status.decidedBy).toContain(`(the notice could not be recorded in ${join(dir, 'telemetry-notice.json')}: `);
    expect(status.decidedBy).toContain('so it is not shown, and nothing is sent)');
    expect(messages(telemetry).join('\n')).toContain(`could not record the first-run notice in ${join(dir, 'telemetry-notice.json')}; not showing it, and sending nothing: `);
    telemetry.sampler();
    expect(stderr.text()).toBe('');
    // Once the user answers, the status says who decided, and nothing about the notice.
    telemetry.consent.set(true);
    expect(telemetry.consent.status().decidedBy).not.toContain('notice');
  });

  it('the run that showed it sends nothing, even when a project-wide yes is stored during that run', () => {
    const { root } = inRepository();
    const telemetry = telemetryIn(join(tempDir(), 'acme'));
    captureStderr();
    telemetry.sampler();
    expect(telemetry.consent.set(true, { scope: 'project' }).ok).toBe(true);
    expect(telemetry.consent.status()).toMatchObject({ enabled: false, notice: 'this-run' });
    expect(existsSync(join(root, '.acme-telemetry.json'))).toBe(true);
  });

  it('a closed stderr does not stop the notice from being recorded', () => {
    const dir = join(tempDir(), 'acme');
    vi.spyOn(process.stderr, 'write').mockImplementation(() => {
      throw new Error('EPIPE');
    });
    const telemetry = telemetryIn(dir);
    expect(() => telemetry.sampler()).not.toThrow();
    expect(existsSync(join(dir, 'telemetry-notice.json'))).toBe(true);
  });
});

describe('answers stored in the project file', () => {
  it("set(false, { scope: 'project' }) writes the file at the repository root and deletes this install's ids", () => {
    const { root } = inRepository();
    const dir = join(tempDir(), 'acme');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'telemetry-key'), 'ab'.repeat(32));
    const telemetry = telemetryIn(dir, { consent: { enabled: true } });
    const result = telemetry.consent.set(false, { scope: 'project' });
    expect(result).toMatchObject({ ok: true, scope: 'project', path: join(root, '.acme-telemetry.json'), deleted: [join(dir, 'telemetry-key')] });
    expect(JSON.parse(readFileSync(join(root, '.acme-telemetry.json'), 'utf8'))).toEqual({ enabled: false });
    expect(telemetry.consent.status().decidedBy).toBe(`project file ${join(root, '.acme-telemetry.json')}`);
  });

  it('project() gives the repository root and the projectId of the nearest project file that has one', () => {
    const { root, pkg } = inRepository();
    writeFileSync(join(pkg, '.acme-telemetry.json'), '{"enabled":true}');
    writeFileSync(join(root, '.acme-telemetry.json'), '{"enabled":true,"projectId":"root-id"}');
    expect(telemetryIn(join(tempDir(), 'acme')).consent.project()).toStrictEqual({ root, fileId: 'root-id' });
  });

  it('outside a repository, project() knows nothing', () => {
    vi.spyOn(process, 'cwd').mockReturnValue(tempDir());
    expect(telemetryIn(join(tempDir(), 'acme')).consent.project()).toStrictEqual({});
  });

  it('in the home directory there is no project: a no holds for this process all the same, a yes does not', () => {
    vi.spyOn(process, 'cwd').mockReturnValue(homedir());
    const no = telemetryIn(join(tempDir(), 'acme'), { consent: { enabled: true } });
    const refused = no.consent.set(false, { scope: 'project' });
    expect(refused).toMatchObject({ ok: false, scope: 'project', error: 'Error: no project here: the working directory is the home directory' });
    expect(refused.path).toBeUndefined();
    expect(no.consent.isEnabled()).toBe(false);
    expect(messages(no)).toContain('could not write the project consent file: Error: no project here: the working directory is the home directory');

    const yes = telemetryIn(join(tempDir(), 'acme'), { consent: { default: 'opt-in' } });
    expect(yes.consent.set(true, { scope: 'project' }).ok).toBe(false);
    expect(yes.consent.isEnabled()).toBe(false);
  });

  it('a working directory that is gone means no project file, not a crash', () => {
    vi.spyOn(process, 'cwd').mockImplementation(() => {
      throw new Error('ENOENT: uv_cwd');
    });
    const telemetry = telemetryIn(join(tempDir(), 'acme'), { consent: { enabled: true } });
    const status = telemetry.consent.status();
    expect(status.enabled).toBe(true);
    expect(status.files.project).toBeUndefined();
    expect(messages(telemetry)).toContain('could not look for a project file: Error: ENOENT: uv_cwd');
    expect(telemetry.consent.project()).toStrictEqual({});
    expect(telemetry.consent.set(false, { scope: 'project' }).ok).toBe(false);
    expect(telemetry.consent.isEnabled()).toBe(false);
  });
});

describe("what a user's answer deletes", () => {
  /** A config dir holding this install's key, id and a pending record, as after runs with telemetry on. */
  function installDir(): string {
    const dir = join(tempDir(), 'acme');
    mkdirSync(join(dir, 'telemetry-pending'), { recursive: true });
    writeFileSync(join(dir, 'telemetry-key'), 'ab'.repeat(32));
    writeFileSync(join(dir, 'telemetry-id'), '6f1c1a7e-3b1d-4c8e-9a0b-2f3e4d5c6b7a');
    writeFileSync(join(dir, 'telemetry-pending', '1.otlp.json'), '{}');
    return dir;
  }

  it("a no deletes this install's key, id and pending records", () => {
    const dir = installDir();
    const result = telemetryIn(dir).consent.set(false);
    expect(result).toMatchObject({ ok: true, deleted: [join(dir, 'telemetry-key'), join(dir, 'telemetry-id'), join(dir, 'telemetry-pending')] });
    expect(readdirSync(dir)).toEqual(['telemetry.json']);
  });

  it('a yes deletes nothing', () => {
    const dir = installDir();
    expect(telemetryIn(dir).consent.set(true)).toMatchObject({ ok: true, deleted: [] });
    expect(readdirSync(dir).sort()).toEqual(['telemetry-id', 'telemetry-key', 'telemetry-pending', 'telemetry.json']);
  });

  it('a no that cannot be stored still deletes them, and says which file it could not write', () => {
    const dir = installDir();
    // A directory (with something in it) where the answer should go: the answer can't be put in place.
    mkdirSync(join(dir, 'telemetry.json', 'taken'), { recursive: true });
    const telemetry = telemetryIn(dir, { consent: { enabled: true } });
    const result = telemetry.consent.set(false);
    expect(result).toMatchObject({ ok: false, scope: 'user', path: join(dir, 'telemetry.json') });
    expect(result.deleted).toEqual([join(dir, 'telemetry-key'), join(dir, 'telemetry-id'), join(dir, 'telemetry-pending')]);
    expect(telemetry.consent.isEnabled()).toBe(false);
  });
});

describe('a no from the environment, the flag or the app', () => {
  it('settles isEnabled() without looking for any file', () => {
    const cwd = vi.spyOn(process, 'cwd');
    cwd.mockClear();
    for (const options of [{ env: { DO_NOT_TRACK: '1' } }, { argv: ['--disable-telemetry'] }, { consent: { enabled: false } }]) {
      const telemetry = telemetryIn(unwritableDir(), options);
      expect(telemetry.consent.isEnabled()).toBe(false);
      telemetry.sampler();
    }
    expect(cwd).not.toHaveBeenCalled();
  });
});

describe('set() as plain JavaScript may call it', () => {
  it('options that are not an object mean the user scope', () => {
    for (const options of [null, 'project', 42]) {
      const dir = join(tempDir(), 'acme');
      const result = telemetryIn(dir).consent.set(false, options as unknown as { scope: 'user' });
      expect(result, String(options)).toMatchObject({ ok: true, scope: 'user', path: join(dir, 'telemetry.json') });
    }
  });

  it('an unknown scope is refused with a message naming the two there are', () => {
    const dir = join(tempDir(), 'acme');
    const result = telemetryIn(dir).consent.set(false, { scope: 'team' as 'user' });
    expect(result).toStrictEqual({ ok: false, scope: 'team', error: 'unknown consent scope "team"; use "user" or "project"' });
    expect(existsSync(dir)).toBe(false);
  });

  it('a listener that unsubscribed hears no more answers', () => {
    const telemetry = telemetryIn(join(tempDir(), 'acme'));
    const heard: boolean[] = [];
    const unsubscribe = telemetry.consent.onChange((status) => heard.push(status.enabled));
    telemetry.consent.set(true);
    unsubscribe();
    telemetry.consent.set(false);
    expect(heard).toEqual([true]);
  });

  it('a listener that throws does not stop the answer from being stored', () => {
    const dir = join(tempDir(), 'acme');
    const telemetry = telemetryIn(dir);
    telemetry.consent.onChange(() => {
      throw new Error('listener broke');
    });
    expect(telemetry.consent.set(false).ok).toBe(true);
    expect(messages(telemetry)).toContain('consent listener failed: Error: listener broke');
  });
});

describe('consent that cannot be determined', () => {
  it('counts as no, and status says so', () => {
    const dir = join(tempDir(), 'acme');
    const env = new Proxy({} as Record<string, string | undefined>, {
      get() {
        throw new Error('environment unavailable');
      },
    });
    const diagnostics = new Diagnostics('acme telemetry', false);
    const consent = new Consent(
      {
        mode: 'opt-out',
        envPrefix: 'ACME',
        env,
        codeEnabled: undefined,
        flagDisabled: false,
        ciPolicy: 'off',
        version: '3',
        files: userFiles(dir),
        projectFileName: '.acme-telemetry.json',
        userId: undefined,
        notice: { appName: 'acme', envPrefix: 'ACME', keys: [], installId: true, flag: false },
      },
      diagnostics,
    );
    expect(consent.status()).toStrictEqual({
      enabled: false,
      decidedBy: 'consent could not be determined (Error: environment unavailable); counted as no',
      mode: 'opt-out',
      sources: [],
      version: '3',
      ci: { policy: 'off' },
      notice: 'not-needed',
      files: { user: join(dir, 'telemetry.json') },
    });
    expect(diagnostics.list().map((d) => d.message)).toContain('could not determine consent; counted as no: Error: environment unavailable');
  });
});
