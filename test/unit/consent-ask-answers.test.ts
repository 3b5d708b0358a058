/**
 * consent.ask() in process, with the terminal and the person at it played by
 * mocks: when it asks at all, what each answer stores and deletes, and what
 * an unanswered question means. (test/consent-ask.test.ts asks on a real
 * pty in a child process.)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as Tty from 'node:tty';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type * as Prompt from '../../src/consent/prompt.js';
import { createTelemetry } from '../../src/index.js';
import type { TelemetryOptions } from '../../src/index.js';
import { tempDir } from '../support/child.js';

const terminal = vi.hoisted(() => ({ stdin: true, stderr: true }));
const prompt = vi.hoisted(() => ({ answer: undefined as boolean | undefined, fail: false, calls: [] as unknown[][] }));

vi.mock('node:tty', async (importOriginal) => {
  const original = await importOriginal<typeof Tty>();
  return { ...original, isatty: (fd: number) => (fd === 0 ? terminal.stdin : fd === 2 ? terminal.stderr : false) };
});

vi.mock('../../src/consent/prompt.js', async (importOriginal) => {
  const original = await importOriginal<typeof Prompt>();
  return {
    ...original,
    promptYesNo: async (...args: unknown[]): Promise<boolean | undefined> => {
      prompt.calls.push(args);
      if (prompt.fail) throw new Error('the terminal went away');
      return prompt.answer;
    },
  };
});

beforeEach(() => {
  terminal.stdin = true;
  terminal.stderr = true;
  prompt.answer = undefined;
  prompt.fail = false;
  prompt.calls.length = 0;
});

type Options = Partial<Omit<TelemetryOptions, 'consent'>> & { readonly consent?: TelemetryOptions['consent'] };

function telemetryIn(dir: string, options: Options = {}): ReturnType<typeof createTelemetry> {
  return createTelemetry({
    app: { name: 'acme' },
    endpoint: 'https://telemetry.invalid',
    configDir: dir,
    env: {},
    consent: { default: 'opt-in', docs: 'https://acme.example/telemetry' },
    ...options,
  } as TelemetryOptions);
}

/** A config dir holding this install's key and id, as after a run with telemetry on. */
function installDir(): string {
  const dir = join(tempDir(), 'acme');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'telemetry-key'), 'ab'.repeat(32));
  writeFileSync(join(dir, 'telemetry-id'), '6f1c1a7e-3b1d-4c8e-9a0b-2f3e4d5c6b7a');
  return dir;
}

const userFile = (dir: string): Record<string, unknown> => JSON.parse(readFileSync(join(dir, 'telemetry.json'), 'utf8')) as Record<string, unknown>;

describe('consent.ask(): the answers', () => {
  it('asks on stderr with the prompt text, reading stdin', async () => {
    prompt.answer = true;
    await telemetryIn(installDir()).consent.ask();
    expect(prompt.calls).toHaveLength(1);
    const [streams, question] = prompt.calls[0] ?? [];
    expect(streams).toEqual({ input: process.stdin, output: process.stderr });
    expect(question).toBe('acme collects usage data: which commands run, how they end and how long they take; the acme version, your OS and Node.js versions; the kind of machine it runs on (CPU count, container, cloud); a random install id. Details: https://acme.example/telemetry\nAllow acme to send usage data? [y/N] ');
  });

  it('a yes is stored and turns telemetry on at once, without a first-run notice', async () => {
    const dir = installDir();
    prompt.answer = true;
    const telemetry = telemetryIn(dir);
    const changes: boolean[] = [];
    telemetry.consent.onChange((status) => changes.push(status.enabled));
    const status = await telemetry.consent.ask();
    expect(status).toMatchObject({ enabled: true, notice: 'not-needed' });
    expect(userFile(dir)).toMatchObject({ enabled: true, version: '1' });
    expect(changes).toEqual([true]);
  });

  it("a no is stored and deletes this install's key and id", async () => {
    const dir = installDir();
    prompt.answer = false;
    const status = await telemetryIn(dir, { consent: { default: 'opt-out' } }).consent.ask();
    expect(status.enabled).toBe(false);
    expect(userFile(dir)).toMatchObject({ enabled: false });
    expect(existsSync(join(dir, 'telemetry-key'))).toBe(false);
    expect(existsSync(join(dir, 'telemetry-id'))).toBe(false);
  });

  it('no answer is a no for this run only: nothing is stored or deleted, and status says why', async () => {
    const dir = installDir();
    const telemetry = telemetryIn(dir, { consent: { default: 'opt-out' } });
    const changes: boolean[] = [];
    telemetry.consent.onChange((status) => changes.push(status.enabled));
    const status = await telemetry.consent.ask({ timeoutMs: 5 });
    expect(status.enabled).toBe(false);
    expect(status.decidedBy).toBe('ask(): no answer within 5 ms (a no for this run; nothing stored)');
    expect(existsSync(join(dir, 'telemetry.json'))).toBe(false);
    expect(existsSync(join(dir, 'telemetry-key'))).toBe(true);
    expect(changes).toEqual([false]);
    expect(telemetry.consent.isEnabled()).toBe(false);
  });

  it("after an unanswered question, the user's own set(true) turns telemetry on; a project-wide yes does not undo this run's no", async () => {
    const mine = telemetryIn(installDir(), { consent: { default: 'opt-out' } });
    await mine.consent.ask({ timeoutMs: 5 });
    expect(mine.consent.set(true).ok).toBe(true);
    expect(mine.consent.status()).toMatchObject({ enabled: true, notice: 'not-needed' });

    const root = join(tempDir(), 'repo');
    mkdirSync(join(root, '.git'), { recursive: true });
    const cwd = vi.spyOn(process, 'cwd').mockReturnValue(root);
    try {
      const project = telemetryIn(installDir(), { consent: { default: 'opt-out' } });
      await project.consent.ask({ timeoutMs: 5 });
      expect(project.consent.set(true, { scope: 'project' }).ok).toBe(true);
      expect(project.consent.isEnabled()).toBe(false);
    } finally {
      cwd.mockRestore();
    }
  });

  it('waits as long as asked; a timeout that is not a finite, non-negative number means the default 30 s', async () => {
    const waited = async (timeoutMs: unknown): Promise<unknown> => {
      prompt.calls.length = 0;
      await telemetryIn(installDir()).consent.ask({ timeoutMs } as { timeoutMs: number });
      return prompt.calls[0]?.[2];
    };
    expect(await waited(5000)).toBe(5000);
    expect(await waited(0)).toBe(0);
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '10', undefined]) expect(await waited(bad), String(bad)).toBe(30_000);
  });

  it('when asking itself fails, resolves with the status all the same and reports why', async () => {
    prompt.fail = true;
    const telemetry = telemetryIn(installDir());
    const status = await telemetry.consent.ask();
    expect(status.enabled).toBe(false);
    expect(telemetry.diagnostics().map((d) => d.message)).toContain('asking for consent failed: Error: the terminal went away');
  });
});

describe('consent.ask(): when it does not ask', () => {
  it('not when any source already says no', async () => {
    const status = await telemetryIn(installDir(), { env: { DO_NOT_TRACK: '1' } }).consent.ask();
    expect(prompt.calls).toHaveLength(0);
    expect(status.decidedBy).toBe('env DO_NOT_TRACK=1');
  });

  it("not in CI, even when the app allows telemetry there: in opt-in mode (where CI was not even checked) or opt-out mode", async () => {
    const optIn = await telemetryIn(installDir(), { env: { CI: 'true' }, consent: { default: 'opt-in', ci: 'on' } }).consent.ask();
    expect(optIn.enabled).toBe(false);
    const optOut = await telemetryIn(installDir(), { env: { CI: 'true' }, consent: { default: 'opt-out', ci: 'on' } }).consent.ask();
    expect(optOut).toMatchObject({ enabled: true, notice: 'not-needed' });
    expect(prompt.calls).toHaveLength(0);
  });

  it('not unless both stdin and stderr are terminals', async () => {
    terminal.stdin = false;
    await telemetryIn(installDir()).consent.ask();
    terminal.stdin = true;
    terminal.stderr = false;
    await telemetryIn(installDir()).consent.ask();
    expect(prompt.calls).toHaveLength(0);
  });

  it('not again after a yes for this consent version; again once the app bumps the version', async () => {
    const dir = installDir();
    writeFileSync(join(dir, 'telemetry.json'), JSON.stringify({ enabled: true, version: '1' }));
    expect((await telemetryIn(dir).consent.ask()).enabled).toBe(true);
    expect(prompt.calls).toHaveLength(0);
    prompt.answer = true;
    await telemetryIn(dir, { consent: { default: 'opt-in', version: 2 } }).consent.ask();
    expect(prompt.calls).toHaveLength(1);
    expect(userFile(dir)).toMatchObject({ enabled: true, version: '2' });
  });

  it('not after a yes stored before consent versions existed: that was a yes to version 1', async () => {
    const dir = installDir();
    writeFileSync(join(dir, 'telemetry.json'), JSON.stringify({ enabled: true }));
    await telemetryIn(dir).consent.ask();
    expect(prompt.calls).toHaveLength(0);
  });

  it('not after a stored no, even one given for an older consent version', async () => {
    const dir = installDir();
    writeFileSync(join(dir, 'telemetry.json'), JSON.stringify({ enabled: false, version: '1' }));
    await telemetryIn(dir, { consent: { default: 'opt-in', version: 2 } }).consent.ask();
    expect(prompt.calls).toHaveLength(0);
  });

  it('not after a yes given earlier in this process that could not be stored', async () => {
    const blocker = join(tempDir(), 'not-a-dir');
    writeFileSync(blocker, 'x');
    const telemetry = telemetryIn(join(blocker, 'acme'));
    expect(telemetry.consent.set(true).ok).toBe(false);
    const status = await telemetry.consent.ask();
    expect(prompt.calls).toHaveLength(0);
    expect(status.enabled).toBe(true);
  });
});
