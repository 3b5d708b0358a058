import { join } from 'node:path';
import { cleanEnv, registryEnv, tempDir } from './child.js';
import type { CommandResult } from './command.js';
import { describeResult, runCommand } from './command.js';

/**
 * An environment for npm: a private HOME (npm writes nothing to the real
 * one), this machine's registry settings, and `cache` as npm's cache
 * (default: inside that private HOME).
 */
export function npmEnv(cache?: string): Record<string, string> {
  const env = { ...cleanEnv(), ...registryEnv() };
  env['npm_config_cache'] = cache ?? join(env['HOME'] ?? tempDir(), '.npm');
  env['npm_config_update_notifier'] = 'false';
  env['npm_config_audit'] = 'false';
  env['npm_config_fund'] = 'false';
  return env;
}

/** Runs npm in `cwd`; throws with its output when it fails. */
export async function runNpm(args: readonly string[], cwd: string, options: { readonly cache?: string; readonly timeoutMs: number }): Promise<CommandResult> {
  const result = await runCommand('npm', args, { cwd, env: npmEnv(options.cache), timeoutMs: options.timeoutMs });
  if (result.code !== 0) throw new Error(describeResult(`npm ${args.join(' ')}`, result));
  return result;
}
