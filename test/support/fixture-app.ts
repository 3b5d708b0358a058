/**
 * Driving test/fixtures/app.mjs (app name `fixture`) in child processes for
 * the consent and identity tests: its private config dir, its status, and
 * the two outcomes that matter: it sent its records, or it touched nothing.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { startReceiver } from '../../src/receiver/server.js';
import type { Receiver } from '../../src/receiver/server.js';
import type { ChildResult } from './child.js';
import { FIXTURES, cleanEnv, runNode, tempDir } from './child.js';
import { netWatch } from './net-watch.js';
import { runNodeOnTerminal } from './terminal.js';
import { completedRecords, hasStartedAndCompleted } from './records.js';

export const APP = join(FIXTURES, 'app.mjs');

/** Loopback receivers for the tests of one file, closed after each test. */
export function receiversForEachTest(): () => Promise<Receiver> {
  const open: Receiver[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((r) => r.close()));
  });
  return async () => {
    const r = await startReceiver({ port: 0 });
    open.push(r);
    return r;
  };
}

/** A private environment whose config dir is known, pointing the fixture at `collector`. */
export function appEnv(collector: Receiver, extra: Record<string, string | undefined> = {}): Record<string, string> {
  return cleanEnv({ FIXTURE_ENDPOINT: collector.url, ...extra });
}

export function configDirOf(env: Record<string, string>): string {
  const xdg = env['XDG_CONFIG_HOME'];
  if (xdg === undefined) throw new Error('cleanEnv() always sets XDG_CONFIG_HOME');
  return join(xdg, 'fixture');
}

export function consentFileOf(env: Record<string, string>): string {
  return join(configDirOf(env), 'telemetry.json');
}

/** How a fixture run is started: `terminal: true` puts its stderr on a pseudo-terminal, where the first-run notice can be seen. */
export interface RunMode {
  readonly terminal?: boolean;
}

export function runApp(args: readonly string[], env: Record<string, string>, cwd?: string, mode: RunMode = {}): Promise<ChildResult> {
  const run = mode.terminal === true ? runNodeOnTerminal : runNode;
  return run([APP, ...args], cwd === undefined ? { env } : { env, cwd });
}

export interface Status {
  readonly enabled: boolean;
  readonly decidedBy: string;
  readonly mode: string;
  readonly notice: string;
  readonly version: string;
  readonly sources: readonly { readonly source: string; readonly value?: boolean }[];
  readonly ci: { readonly detected: boolean; readonly vendor?: string; readonly policy: string };
  readonly userId?: string;
  readonly files: { readonly user: string; readonly project?: string };
}

export async function statusOf(env: Record<string, string>, args: readonly string[] = [], cwd?: string): Promise<Status> {
  const result = await runApp(['status', ...args], env, cwd);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Status;
}

/**
 * Runs the 'ok' scenario and checks it behaved exactly as without telemetry
 * and touched no network.
 */
export async function expectOkRunSendsNothing(
  env: Record<string, string>,
  collector: Receiver,
  extraArgs: readonly string[] = [],
  cwd?: string,
  mode: RunMode = {},
): Promise<ChildResult> {
  const watch = netWatch();
  const before = collector.requests.length;
  const runEnv = { ...env, ...watch.env };
  const run = mode.terminal === true ? runNodeOnTerminal : runNode;
  const result = await run([...watch.nodeArgs, APP, 'ok', ...extraArgs], cwd === undefined ? { env: runEnv } : { env: runEnv, cwd });
  expect(result.stdout).toBe('app output\n');
  expect(result.code).toBe(0);
  expect(result.signal).toBeNull();
  expect(watch.attempts()).toEqual([]);
  expect(collector.requests).toHaveLength(before);
  return result;
}

export async function expectOkRunSends(env: Record<string, string>, collector: Receiver, cwd?: string): Promise<ChildResult> {
  const before = completedRecords(collector.spans, 'build').length;
  const result = await runApp(['ok'], env, cwd);
  expect(result.stdout).toBe('app output\n');
  expect(result.code).toBe(0);
  const spans = await collector.waitFor((s) => hasStartedAndCompleted('fixture')(s) && completedRecords(s, 'build').length > before);
  expect(completedRecords(spans, 'build')).toHaveLength(before + 1);
  return result;
}

/** Every file and directory under `dir`, relative; [] when `dir` does not exist. */
export function listTree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

/**
 * True when file modes are enforced for this process. As root (common in
 * containers and CI) chmod restricts nothing, so tests relying on it skip.
 */
function fileModesAreEnforced(): boolean {
  const dir = tempDir('optel-modes-');
  const locked = join(dir, 'locked');
  mkdirSync(locked);
  chmodSync(locked, 0o555);
  try {
    writeFileSync(join(locked, 'probe'), 'x');
    return false;
  } catch {
    return true;
  } finally {
    chmodSync(locked, 0o755);
    rmSync(dir, { recursive: true, force: true });
  }
}
export const MODES_ENFORCED = fileModesAreEnforced();
export const MODES_SKIP_REASON = 'file modes are not enforced for this user (running as root?), so chmod cannot make a file unreadable';
