import { createInterface } from 'node:readline';

/** How long `consent.ask()` waits for an answer by default. */
export const DEFAULT_ASK_TIMEOUT_MS = 30_000;

/**
 * A y/N answer: `y`/`yes` (any case) is yes; everything else, an empty line
 * included, is the default, no.
 */
export function parseAnswer(line: string): boolean {
  const answer = line.trim().toLowerCase();
  return answer === 'y' || answer === 'yes';
}

export interface PromptStreams {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
}

/**
 * Writes `question` and reads one line. Resolves with the parsed answer, or
 * with undefined when nobody answered: the timeout passed, or the input
 * ended. The line is read in the terminal's own (cooked) mode, so Ctrl-C
 * stays a real SIGINT that ends the process as it would without optel.
 */
export function promptYesNo(streams: PromptStreams, question: string, timeoutMs: number): Promise<boolean | undefined> {
  return new Promise((resolve) => {
    const lines = createInterface({ input: streams.input, terminal: false });
    let settled = false;
    const finish = (answer: boolean | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      lines.close();
      resolve(answer);
    };
    const timer = setTimeout(() => {
      // End the prompt's line, so whatever prints next starts on its own.
      streams.output.write('\n');
      finish(undefined);
    }, timeoutMs);
    lines.once('line', (line) => finish(parseAnswer(line)));
    lines.once('close', () => finish(undefined));
    streams.output.write(question);
  });
}
