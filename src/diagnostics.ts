/**
 * The diagnostic channel: where optel's own failures go instead of into app
 * code. Messages are kept (bounded) so `telemetry.diagnostics()` and the debug
 * mode can show them; nothing is printed unless the user asked for debug
 * output, except configuration errors an author must see once (`warnOnce`).
 */
export interface Diagnostic {
  readonly time: number;
  readonly message: string;
}

const MAX_KEPT = 100;

export class Diagnostics {
  readonly #kept: Diagnostic[] = [];
  readonly #warned = new Set<string>();
  readonly #echo: boolean;
  readonly #prefix: string;

  constructor(prefix: string, echo: boolean) {
    this.#prefix = prefix;
    this.#echo = echo;
  }

  /** Records an internal failure; printed to stderr only in debug mode. */
  report(message: string, error?: unknown): void {
    const text = error === undefined ? message : `${message}: ${describeError(error)}`;
    if (this.#kept.length >= MAX_KEPT) this.#kept.shift();
    this.#kept.push({ time: Date.now(), message: text });
    if (this.#echo) writeStderr(`${this.#prefix}: ${text}\n`);
  }

  /** A misconfiguration the person running the app must hear about, once per process. */
  warnOnce(message: string): void {
    this.report(message);
    if (this.#echo || this.#warned.has(message)) return;
    this.#warned.add(message);
    writeStderr(`${this.#prefix}: ${message}\n`);
  }

  list(): readonly Diagnostic[] {
    return [...this.#kept];
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function writeStderr(text: string): void {
  try {
    process.stderr.write(text);
  } catch {
    // A closed stderr is not worth crashing the host over.
  }
}
