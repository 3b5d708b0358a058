import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, tempDir } from './child.js';

/** One outgoing TCP connection attempt a child process made. */
export interface ConnectAttempt {
  readonly host?: string;
  readonly port?: number;
  readonly path?: string;
}

export interface NetWatch {
  /** Node arguments that load the watcher; put them before the script. */
  readonly nodeArgs: readonly string[];
  /** Env entries the watcher needs. */
  readonly env: Record<string, string>;
  /** The attempts the child recorded at exit; throws if the child never wrote them. */
  attempts(): ConnectAttempt[];
}

/**
 * Watches a child process's outgoing connections from inside it
 * (test/fixtures/net-watch.cjs), so "no network" is checked directly rather
 * than inferred from a quiet collector.
 */
export function netWatch(): NetWatch {
  const file = join(tempDir('optel-netwatch-'), 'attempts.json');
  return {
    nodeArgs: ['--require', join(FIXTURES, 'net-watch.cjs')],
    env: { NET_WATCH_FILE: file },
    attempts() {
      if (!existsSync(file)) throw new Error(`the child did not write ${file}; did it exit normally?`);
      return JSON.parse(readFileSync(file, 'utf8')) as ConnectAttempt[];
    },
  };
}
