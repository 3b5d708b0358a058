import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const FIXTURES = join(ROOT, 'test', 'fixtures');

export interface ChildResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time from spawn to exit. */
  readonly elapsedMs: number;
}

export interface RunningChild {
  readonly child: ChildProcess;
  /** Everything written to stdout so far. */
  stdout(): string;
  stderr(): string;
  /** The complete lines written to stdout so far. */
  stdoutLines(): string[];
  /** Resolves when stdout contains `text`; rejects after `timeoutMs` or if the child exits first. */
  waitForStdout(text: string, timeoutMs?: number): Promise<void>;
  /** The first complete stdout line matching `pattern`; rejects after `timeoutMs` or if the child exits first. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** The complete stdout lines, once there are at least `count`; rejects after `timeoutMs` or if the child exits first. */
  waitForLines(count: number, timeoutMs?: number): Promise<string[]>;
  readonly done: Promise<ChildResult>;
}

/** A fresh empty directory under the OS temp dir. */
export function tempDir(prefix = 'optel-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * An environment for a child: the parent's PATH and nothing of the parent's
 * telemetry settings, with a private config dir so no test touches the real
 * home directory.
 */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '', HOME: tempDir('optel-home-') };
  env['XDG_CONFIG_HOME'] = join(env['HOME'] ?? tempDir(), '.config');
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/**
 * `cleanEnv()` for a person who already said yes to `app`'s telemetry: its
 * user file holds what `consent.set(true)` (`telemetry enable`) stores. An
 * explicit yes skips the opt-out first-run notice, so the first run sends.
 * For tests about what is sent; tests about the notice start from
 * `cleanEnv()`.
 */
export function consentedEnv(extra: Record<string, string | undefined> = {}, app = 'fixture'): Record<string, string> {
  const env = cleanEnv(extra);
  const dir = join(env['XDG_CONFIG_HOME'] ?? join(env['HOME'] ?? tempDir(), '.config'), app);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'telemetry.json'), `${JSON.stringify({ enabled: true, version: '1', decidedAt: new Date().toISOString() })}\n`);
  return env;
}

export interface StartOptions {
  env?: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
}

/** Starts `node <args>`; the child is killed if it outlives `timeoutMs` (a hang, not a timing check). */
export function startNode(args: readonly string[], options: StartOptions = {}): RunningChild {
  return startProcess(process.execPath, args, options);
}

/** Starts any executable on PATH (npm, npx, bash, ...), with no stdin; killed past `timeoutMs`. */
export function startProcess(command: string, args: readonly string[], options: StartOptions = {}): RunningChild {
  const started = Date.now();
  const child = spawn(command, args, {
    env: options.env ?? cleanEnv(),
    cwd: options.cwd ?? ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  // Checked on every stdout chunk and at exit.
  const watchers = new Set<() => void>();
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    stdout += chunk;
    for (const watcher of [...watchers]) watcher();
  });
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const hang = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  const done = new Promise<ChildResult>((resolve, reject) => {
    child.on('error', (error) => {
      clearTimeout(hang);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(hang);
      exited = { code, signal };
      resolve({ code, signal, stdout, stderr, elapsedMs: Date.now() - started });
      for (const watcher of [...watchers]) watcher();
    });
  });
  const lines = (): string[] => stdout.split('\n').slice(0, -1);

  /** Resolves with what `check` finds, looking again at every output; rejects on timeout or exit. */
  const waitUntil = <T>(check: () => T | undefined, what: string, timeoutMs: number): Promise<T> =>
    new Promise((resolve, reject) => {
      const watcher = (): void => {
        const found = check();
        if (found !== undefined) {
          stop();
          resolve(found);
        } else if (exited !== undefined) {
          stop();
          reject(new Error(`child exited (${JSON.stringify(exited)}) before ${what}; stdout: ${stdout}; stderr: ${stderr}`));
        }
      };
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`child did not print ${what} within ${timeoutMs} ms; stdout: ${stdout}; stderr: ${stderr}`));
      }, timeoutMs);
      const stop = (): void => {
        clearTimeout(timer);
        watchers.delete(watcher);
      };
      watchers.add(watcher);
      watcher();
    });

  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    stdoutLines: lines,
    done,
    waitForStdout: (text, timeoutMs = 15_000) => waitUntil(() => (stdout.includes(text) ? true : undefined), JSON.stringify(text), timeoutMs).then(() => undefined),
    waitForLine: (pattern, timeoutMs = 15_000) =>
      waitUntil(
        () => {
          for (const line of lines()) {
            const match = pattern.exec(line);
            if (match) return match;
          }
          return undefined;
        },
        `a line matching ${String(pattern)}`,
        timeoutMs,
      ),
    waitForLines: (count, timeoutMs = 15_000) => waitUntil(() => (lines().length >= count ? lines() : undefined), `${count} lines`, timeoutMs),
  };
}

/** Runs `node <args>` to completion. */
export function runNode(args: readonly string[], options: StartOptions = {}): Promise<ChildResult> {
  return startNode(args, options).done;
}

/**
 * How this machine reaches the package registry (proxy, extra CA
 * certificates, npm settings), for tests that run npm with a private HOME:
 * without them a nested npm (a package's install script) can't verify the
 * registry's certificate.
 */
export function registryEnv(): Record<string, string> {
  const passed: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (/^(NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|SSL_CERT_DIR|https?_proxy|no_proxy|npm_config_.+)$/i.test(key)) passed[key] = value;
  }
  return passed;
}
