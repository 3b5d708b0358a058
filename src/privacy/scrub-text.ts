import type { CompiledPaths } from './local-paths.js';
import { scrubLocalPaths } from './local-paths.js';
import type { ScrubRule } from './rules.js';
import { HOME_SEGMENT_RULES, MAX_TEXT_CHARS, PERSONAL_RULES, SECRET_RULES, TRUNCATION_MARKER } from './rules.js';

/**
 * A value that leaves in clear, made safe to send: cut to `max` characters
 * first (so the cost of what follows is bounded whatever the input), then
 * secrets, then personal data, then local paths are replaced by readable
 * markers. What matches none of the rules is left as it is.
 */
export function scrubText(text: string, paths?: CompiledPaths, max: number = MAX_TEXT_CHARS): string {
  let out = capText(text, max);
  if (PLAIN.test(out)) return out;
  const scan = new Scan(out);
  for (const rule of SECRET_RULES) out = applyRule(out, rule, scan);
  for (const rule of PERSONAL_RULES) out = applyRule(out, rule, scan);
  if (paths) out = scrubLocalPaths(out, paths);
  for (const rule of HOME_SEGMENT_RULES) out = applyRule(out, rule, scan);
  return out;
}

/**
 * Facts about the text as it was before any rule ran, read at most once
 * each, that let a rule be skipped without running its pattern: its
 * longest run of token characters and its lower-case form. Replacing a
 * match only ever shortens runs and adds markers, so a rule skipped on the
 * original text would have found nothing in the rewritten one either.
 */
export class Scan {
  readonly #text: string;
  #lower: string | undefined;
  #longestRun = -1;

  constructor(text: string) {
    this.#text = text;
  }

  get lower(): string {
    this.#lower ??= this.#text.toLowerCase();
    return this.#lower;
  }

  get longestRun(): number {
    if (this.#longestRun < 0) this.#longestRun = longestTokenRun(this.#text);
    return this.#longestRun;
  }
}

/** Whether `rule` could match `text`, by its cheap tests. */
function mayMatch(text: string, rule: ScrubRule, scan: Scan | undefined): boolean {
  const hint = rule.hint;
  if (hint !== undefined && !(typeof hint === 'string' ? text.includes(hint) : hint.some((h) => text.includes(h)))) return false;
  if (scan === undefined) return true;
  if (rule.minRun !== undefined && scan.longestRun < rule.minRun) return false;
  const words = rule.words;
  if (words === undefined) return true;
  const lower = scan.lower;
  return words.some((word) => lower.includes(word));
}

/** The longest run of characters a token is made of (letters, digits, `+/=_-`). */
function longestTokenRun(text: string): number {
  let longest = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const inToken =
      (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) || code === 0x2b || code === 0x2f || code === 0x3d || code === 0x5f || code === 0x2d;
    run = inToken ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest;
}

// Short words of letters, dots, dashes and underscores (`build`, `cli.command`)
// can hold none of what the rules look for: no digits, no `@`, `/`, `:`, `=`
// or spaces, and shorter than the shortest letters-only token a rule knows.
const PLAIN = /^[A-Za-z._-]{0,14}$/;

/**
 * Cuts `text` to at most `max` characters plus a marker. A token-like run
 * cut in half is dropped whole: its start alone might no longer look like
 * the secret it is, and would leak part of it.
 */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  if (isHighSurrogate(text.charCodeAt(end - 1))) end--;
  if (isTokenChar(text.charCodeAt(end))) {
    while (end > 0 && isTokenChar(text.charCodeAt(end - 1))) end--;
  }
  return text.slice(0, end) + TRUNCATION_MARKER;
}

export function applyRule(text: string, rule: ScrubRule, scan?: Scan): string {
  if (!mayMatch(text, rule, scan)) return text;
  const pattern = rule.pattern;
  const marker = rule.marker ?? `[redacted:${rule.id}]`;
  pattern.lastIndex = 0;
  let out = '';
  let copied = 0;
  let replaced = false;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const whole = match[0];
    if (whole === '') {
      pattern.lastIndex++;
      continue;
    }
    const lead = match.groups?.['lead'] ?? '';
    const trail = match.groups?.['trail'] ?? '';
    const start = match.index + lead.length;
    const end = match.index + whole.length - trail.length;
    if (rule.confirm && !rule.confirm(text.slice(start, end), text, start)) {
      // Look again from the next character: a harmless lookalike may hide a
      // real match that overlaps it (`12 4111 1111 1111 1111` is not a card
      // number as a whole, but holds one). Each rule's lookbehind or bounded
      // length keeps the retries linear.
      pattern.lastIndex = match.index + 1;
      continue;
    }
    out += text.slice(copied, start) + marker;
    copied = end;
    replaced = true;
  }
  return replaced ? out + text.slice(copied) : text;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

// Anything but whitespace and the punctuation that usually ends a token.
function isTokenChar(code: number): boolean {
  return !(code <= 0x20 || code === 0x22 || code === 0x27 || code === 0x2c || code === 0x3b || code === 0x3c || code === 0x3e || code === 0x28 || code === 0x29 || code === 0x5b || code === 0x5d || code === 0x7b || code === 0x7d || Number.isNaN(code));
}
