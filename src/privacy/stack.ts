import type { CompiledPaths } from './local-paths.js';
import { MAX_STACK_CHARS, MAX_STACK_FRAMES } from './rules.js';
import { scrubText } from './scrub-text.js';

/** Longer lines are not stack frames worth reading. */
const MAX_FRAME_LINE = 2048;

/**
 * A stack trace reduced to the frames that help find a bug: `at fn
 * (file:line:col)` where the file is inside the app's package (shown
 * relative to it) or inside a `node_modules` package (shown from
 * `node_modules/`). Every other frame (Node internals, files elsewhere on
 * the machine, eval) and every other line (the message, which leaves
 * scrubbed on its own) is dropped, so no absolute path remains. Returns
 * undefined when no frame is left.
 */
export function scrubStack(stack: string, paths: CompiledPaths | undefined): string | undefined {
  const text = stack.length > MAX_STACK_CHARS ? stack.slice(0, MAX_STACK_CHARS) : stack;
  const frames: string[] = [];
  let from = 0;
  while (from < text.length && frames.length < MAX_STACK_FRAMES) {
    let to = text.indexOf('\n', from);
    if (to < 0) to = text.length;
    const frame = keptFrame(text.slice(from, to), paths);
    if (frame !== undefined) frames.push(frame);
    from = to + 1;
  }
  return frames.length > 0 ? frames.join('\n') : undefined;
}

function keptFrame(line: string, paths: CompiledPaths | undefined): string | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('at ') || trimmed.length > MAX_FRAME_LINE) return undefined;
  const body = trimmed.slice(3);
  let name = '';
  let location = body;
  if (body.endsWith(')')) {
    const open = body.lastIndexOf(' (');
    if (open < 0) return undefined;
    name = body.slice(0, open);
    location = body.slice(open + 2, -1);
  }
  const parsed = parseLocation(location);
  if (!parsed) return undefined;
  const file = relativeFile(parsed.file, paths);
  if (file === undefined) return undefined;
  const where = `${scrubText(file, paths)}:${parsed.line}:${parsed.column}`;
  const fn = functionName(name, paths);
  return fn === '' ? `    at ${where}` : `    at ${fn} (${where})`;
}

/** `file:line:column`; undefined for `native`, `<anonymous>`, `index 0` and eval locations. */
function parseLocation(location: string): { file: string; line: string; column: string } | undefined {
  const columnAt = location.lastIndexOf(':');
  const lineAt = location.lastIndexOf(':', columnAt - 1);
  if (lineAt <= 0) return undefined;
  const file = location.slice(0, lineAt);
  const line = location.slice(lineAt + 1, columnAt);
  const column = location.slice(columnAt + 1);
  if (!DIGITS.test(line) || !DIGITS.test(column) || NOT_A_FILE.test(file)) return undefined;
  return { file, line, column };
}
const DIGITS = /^\d{1,9}$/;
// Eval frames nest a second location in parentheses; `<anonymous>` is no file.
const NOT_A_FILE = /[()<>,]/;

/** The file relative to the app root or from `node_modules/`; undefined for anything else. */
function relativeFile(file: string, paths: CompiledPaths | undefined): string | undefined {
  let path = file;
  if (path.startsWith('file://')) {
    try {
      path = decodeURIComponent(path.slice('file://'.length));
    } catch {
      return undefined;
    }
    // file:///C:/x -> C:/x
    if (/^\/[A-Za-z]:/.test(path)) path = path.slice(1);
  }
  path = path.replace(/\\/g, '/');
  const root = paths?.appRoot;
  if (root !== undefined) {
    const inside = paths?.appRootIgnoresCase ? path.toLowerCase().startsWith(`${root.toLowerCase()}/`) : path.startsWith(`${root}/`);
    if (inside) {
      const relative = path.slice(root.length + 1).replace(/^\/+/, '');
      if (relative !== '' && !relative.split('/').includes('..')) return relative;
    }
  }
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) return path.slice(modules + 1);
  return path.startsWith('node_modules/') ? path : undefined;
}

/** `Object.<anonymous>`, `async Promise.all`, `new Foo`: kept, scrubbed, unless they hold a path. */
function functionName(name: string, paths: CompiledPaths | undefined): string {
  if (name === '' || name.length > 256 || /[()/\\]/.test(name)) return '';
  return scrubText(name, paths);
}
