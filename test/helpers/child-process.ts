/**
 * Running the built bin as a real child process: collect its output line by
 * line, wait (with a bound) for a line to appear, and wait for it to exit.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningChild {
  readonly process: ChildProcess;
  /** Complete stdout lines so far. */
  readonly stdoutLines: string[];
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<Exit>;
  /** The first stdout line matching `pattern`; rejects on timeout or exit. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Resolves once at least `count` stdout lines have arrived; rejects on timeout or exit. */
  waitForLines(count: number, timeoutMs?: number): Promise<string[]>;
}

export function startChild(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): RunningChild {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const stdoutLines: string[] = [];
  const listeners = new Set<() => void>();
  let exit: Exit | undefined;

  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    const lines = stdout.split('\n');
    stdoutLines.splice(0, stdoutLines.length, ...lines.slice(0, -1));
    for (const listener of listeners) listener();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<Exit>((resolve) => {
    // 'close', not 'exit': it comes after stdout and stderr are fully read.
    child.on('close', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
      for (const listener of listeners) listener();
    });
  });

  /** Polls `check` on every output or exit event until it returns a value. */
  const waitUntil = <T>(check: () => T | undefined, what: string, timeoutMs: number): Promise<T> =>
    new Promise((resolve, reject) => {
      const evaluate = () => {
        const value = check();
        if (value !== undefined) {
          done();
          resolve(value);
        } else if (exit !== undefined) {
          done();
          reject(new Error(`process exited (${JSON.stringify(exit)}) before ${what}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        listeners.delete(evaluate);
      };
      listeners.add(evaluate);
      evaluate();
    });

  return {
    process: child,
    stdoutLines,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitForLine: (pattern, timeoutMs = 15_000) =>
      waitUntil(
        () => {
          for (const line of stdoutLines) {
            const match = pattern.exec(line);
            if (match) return match;
          }
          return undefined;
        },
        `a stdout line matching ${pattern}`,
        timeoutMs,
      ),
    waitForLines: (count, timeoutMs = 15_000) =>
      waitUntil(() => (stdoutLines.length >= count ? [...stdoutLines] : undefined), `${count} stdout lines`, timeoutMs),
  };
}

/** Runs to completion (bounded) and returns the exit status and output. */
export async function runToExit(
  command: string,
  args: readonly string[],
  timeoutMs = 15_000,
): Promise<Exit & { stdout: string; stderr: string }> {
  const child = startChild(command, args);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      child.process.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not exit within ${timeoutMs} ms\nstderr:\n${child.stderr()}`));
    }, timeoutMs);
  });
  try {
    const exit = await Promise.race([child.exited, timeout]);
    return { ...exit, stdout: child.stdout(), stderr: child.stderr() };
  } finally {
    clearTimeout(timer);
  }
}
