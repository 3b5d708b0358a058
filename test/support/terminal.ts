/**
 * Runs a process whose stderr is a real terminal, as a person at a shell
 * has: the first-run notice counts as seen only there. util-linux `script`
 * provides the pseudo-terminal; the child's stdout is redirected to a file,
 * so it stays apart from what the terminal showed (its stderr). Without
 * `script`, tests that need a terminal skip with `NO_TERMINAL`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildResult, StartOptions } from './child.js';
import { ROOT, cleanEnv, tempDir } from './child.js';

export const HAS_TERMINAL = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
export const NO_TERMINAL = 'util-linux `script` is not installed, so no pseudo-terminal can be made';

const quote = (text: string): string => `'${text.replace(/'/g, "'\\''")}'`;

/** `node <args>` with stderr on a pseudo-terminal; `stderr` is what the terminal showed (line ends as `\n`). */
export function runNodeOnTerminal(args: readonly string[], options: StartOptions = {}): Promise<ChildResult> {
  const started = Date.now();
  const out = join(tempDir('optel-terminal-'), 'stdout');
  const command = `${[process.execPath, ...args].map(quote).join(' ')} >${quote(out)}`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    env: options.env ?? cleanEnv(),
    cwd: options.cwd ?? ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  let errors = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    screen += chunk;
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    errors += chunk;
  });
  const hang = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  return new Promise((resolve, reject) => {
    child.on('error', (error) => {
      clearTimeout(hang);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(hang);
      let stdout = '';
      try {
        stdout = readFileSync(out, 'utf8');
      } catch {
        // The command never ran far enough to create it.
      }
      resolve({ code, signal, stdout, stderr: `${screen.replace(/\r\n/g, '\n')}${errors}`, elapsedMs: Date.now() - started });
    });
  });
}
