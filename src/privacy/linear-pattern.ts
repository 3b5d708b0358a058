/**
 * A mechanical check for the shape behind catastrophic backtracking, used
 * on optel's own rules (by a test) and on the patterns an app declares for
 * its values (refused when they fail it).
 */

/**
 * The groups in a pattern's source that hold an unbounded quantifier (`*`,
 * `+`, `{n,}`) and are themselves quantified more than once (`*`, `+`,
 * `{n,m}` with m > 1): the shape behind catastrophic backtracking.
 */
export function repeatedUnboundedGroups(source: string): string[] {
  const found: string[] = [];
  const open: { start: number; unbounded: boolean }[] = [];
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
    } else if (c === '(') {
      open.push({ start: i, unbounded: false });
    } else if (c === ')') {
      const group = open.pop();
      if (!group) continue;
      const rest = source.slice(i + 1);
      if (group.unbounded && /^(?:[*+]|\{\d*,\d*\}|\{\d{2,}\}|\{[2-9]\})/.test(rest) && !/^\{[01]?,1\}/.test(rest)) {
        found.push(source.slice(group.start, i + 1));
      }
      const parent = open[open.length - 1];
      if (parent && group.unbounded) parent.unbounded = true;
    } else if (c === '*' || c === '+' || (c === '{' && /^\{\d+,\}/.test(source.slice(i)))) {
      const current = open[open.length - 1];
      if (current) current.unbounded = true;
    }
  }
  return found;
}

/** A back-reference (`\1`, `\k<name>`): matching with one can take time exponential in the input. */
export function hasBackReference(source: string): boolean {
  for (let i = 0; i < source.length; i++) {
    if (source[i] !== '\\') continue;
    const next = source[i + 1] ?? '';
    if ((next >= '1' && next <= '9') || next === 'k') return true;
    i++;
  }
  return false;
}
