/**
 * One readable terminal line per received span.
 *
 * optel's own spans are recognised by their attributes and shown by what
 * they mean rather than as raw data:
 *
 *   ▶ build  started  {cli.command=build}
 *   ✔ build  completed  success  1.23 s  exit=0  {cli.command=build}
 *   ✘ build  completed  failure  0.41 s  exit=1  error=TypeError
 *   ■ build  completed  aborted  2.00 s  exit=130
 *     · compile  step  0.20 s
 *   • GET /users  12.5 ms  {http.method=GET}
 *
 * Steps (child spans without `optel.lifecycle`) are indented under their
 * command; any other span is shown generically with its name and duration.
 * Everything that came over the network is stripped of control characters
 * before it reaches the terminal, so a sender cannot inject escape sequences.
 */
import type { ReceivedSpan } from './spans.js';
import { WIRE_KEYS } from '../transparency/wire-keys.js';

export interface FormatOptions {
  /** ANSI colours; decide with `shouldUseColor`. */
  color: boolean;
}

// Attributes already rendered as words in the line, so not repeated in {…}.
const SHOWN_ELSEWHERE: ReadonlySet<string> = new Set([WIRE_KEYS.lifecycle, WIRE_KEYS.outcome, WIRE_KEYS.exitCode, WIRE_KEYS.errorType]);
const MAX_ATTRIBUTES = 8;
const MAX_VALUE_LENGTH = 40;
const STATUS_ERROR = 2;

type Paint = (text: string) => string;

interface Palette {
  bold: Paint;
  dim: Paint;
  green: Paint;
  red: Paint;
  yellow: Paint;
  cyan: Paint;
}

const ansi = (open: number, close: number): Paint => (text) => `\u001b[${open}m${text}\u001b[${close}m`;
const plain: Paint = (text) => text;

const COLORS: Palette = {
  bold: ansi(1, 22),
  dim: ansi(2, 22),
  green: ansi(32, 39),
  red: ansi(31, 39),
  yellow: ansi(33, 39),
  cyan: ansi(36, 39),
};
const NO_COLORS: Palette = { bold: plain, dim: plain, green: plain, red: plain, yellow: plain, cyan: plain };

/** Colour only on an interactive terminal, and never when NO_COLOR is set (https://no-color.org). */
export function shouldUseColor(stream: { readonly isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>): boolean {
  return stream.isTTY === true && env['NO_COLOR'] === undefined;
}

export function formatSpan(span: ReceivedSpan, options: FormatOptions): string {
  const c = options.color ? COLORS : NO_COLORS;
  const name = c.bold(clean(span.name) || '(unnamed)');
  const lifecycle = span.attributes[WIRE_KEYS.lifecycle];
  const failed = span.status.code === STATUS_ERROR;
  // The symbol sits one space before the name; the fields after it are two apart.
  let head: string;
  const fields: string[] = [];

  if (lifecycle === 'started') {
    head = `${c.cyan('▶')} ${name}`;
    fields.push('started');
  } else if (lifecycle === 'completed') {
    const outcome = span.attributes[WIRE_KEYS.outcome];
    const [symbol, paint] =
      outcome === 'success'
        ? ['✔', c.green]
        : outcome === 'failure'
          ? ['✘', c.red]
          : outcome === 'aborted'
            ? ['■', c.yellow]
            : ['•', plain];
    head = `${paint(symbol)} ${name}`;
    fields.push('completed');
    if (outcome !== undefined) fields.push(paint(clean(String(outcome))));
    fields.push(...duration(span));
    const exitCode = span.attributes[WIRE_KEYS.exitCode];
    if (exitCode !== undefined) fields.push(`exit=${clean(String(exitCode))}`);
  } else if (span.parentSpanId !== '') {
    head = `  ${failed ? c.red('✘') : c.dim('·')} ${name}`;
    fields.push('step', ...duration(span));
  } else {
    head = `${failed ? c.red('✘') : '•'} ${name}`;
    fields.push(...duration(span));
  }

  fields.push(...problem(span, c));
  const attributes = attributeSummary(span.attributes);
  if (attributes !== '') fields.push(c.dim(attributes));
  return [head, ...fields].join('  ');
}

/** The error type and status message, when the span reports a failure. */
function problem(span: ReceivedSpan, c: Palette): string[] {
  const parts: string[] = [];
  const errorType = span.attributes[WIRE_KEYS.errorType];
  if (errorType !== undefined) parts.push(c.red(`error=${clean(String(errorType))}`));
  if (span.status.code === STATUS_ERROR && span.status.message !== undefined) {
    parts.push(c.red(quoteIfNeeded(span.status.message)));
  }
  return parts;
}

function duration(span: ReceivedSpan): string[] {
  let nanos: bigint;
  try {
    nanos = BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano);
  } catch {
    return [];
  }
  // An unset end time, or a clock that went backwards: no meaningful duration.
  if (span.endTimeUnixNano === '0' || nanos < 0n) return [];
  const ms = Number(nanos) / 1e6;
  // Seconds read best for commands and steps; below 0.1 s they would round
  // to nothing, so short spans get milliseconds.
  return [ms >= 100 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`];
}

function attributeSummary(attributes: Record<string, unknown>): string {
  const entries = Object.entries(attributes).filter(([key]) => !SHOWN_ELSEWHERE.has(key));
  if (entries.length === 0) return '';
  const shown = entries.slice(0, MAX_ATTRIBUTES).map(([key, value]) => `${clean(key)}=${formatValue(value)}`);
  if (entries.length > MAX_ATTRIBUTES) shown.push(`…+${entries.length - MAX_ATTRIBUTES}`);
  return `{${shown.join(', ')}}`;
}

function formatValue(value: unknown): string {
  const text = typeof value === 'string' ? quoteIfNeeded(value) : clean(JSON.stringify(value) ?? String(value));
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 1)}…` : text;
}

/** Bare when unambiguous (`build`, `./src/a.ts`), JSON-quoted otherwise; either way safe for a terminal. */
function quoteIfNeeded(text: string): string {
  return /^[\w./:@+-]+$/.test(text) ? text : clean(JSON.stringify(text));
}

/**
 * What a terminal must never receive raw from the network: every control
 * character (C0, DEL, and C1, whose U+009B and U+009D start escape and
 * operating-system sequences on many terminals) and every bidirectional
 * formatting character (LRM, RLM, ALM, the embeddings and overrides
 * U+202A-U+202E, the isolates U+2066-U+2069), which can make text read in
 * an order other than the one it has.
 */
const UNSAFE_FOR_TERMINAL = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** Replaces each character a terminal must not get raw with a visible escape (`\x1b`, `\u202e`). */
function clean(text: string): string {
  return text.replace(UNSAFE_FOR_TERMINAL, (char) => {
    const code = char.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
