import { startProcess } from './child.js';

export interface CommandResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs any executable found on PATH (npm, npx, ...) with no stdin, and kills
 * it if it outlives `timeoutMs` (a hang bound, not a timing check).
 */
export async function runCommand(
  command: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly env: Record<string, string>; readonly timeoutMs: number },
): Promise<CommandResult> {
  const { code, signal, stdout, stderr } = await startProcess(command, args, options).done;
  return { code, signal, stdout, stderr };
}

/** A one-line summary of a failed command, for assertion messages. */
export function describeResult(command: string, result: CommandResult): string {
  return `${command} exited with ${result.code ?? result.signal}\nstdout: ${result.stdout.slice(-2000)}\nstderr: ${result.stderr.slice(-2000)}`;
}
