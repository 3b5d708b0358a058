import { describe, expect, it } from 'vitest';
import type { OpenEntry } from '../../src/lifecycle/open-commands.js';
import { OpenCommands } from '../../src/lifecycle/open-commands.js';

function openAll(names: readonly string[]): { readonly open: OpenCommands<string>; readonly entries: Map<string, OpenEntry<string>> } {
  const open = new OpenCommands<string>();
  const entries = new Map(names.map((name) => [name, open.add(name)] as const));
  return { open, entries };
}

function entryOf(entries: ReadonlyMap<string, OpenEntry<string>>, name: string): OpenEntry<string> {
  const entry = entries.get(name);
  if (!entry) throw new Error(`no entry for ${name}`);
  return entry;
}

describe('OpenCommands', () => {
  it('lists open commands oldest first; nested ones end last-in, first-out', () => {
    const { open, entries } = openAll(['top', 'nested']);
    expect(open.list()).toEqual(['top', 'nested']);
    open.delete(entryOf(entries, 'nested'));
    expect(open.list()).toEqual(['top']);
    open.delete(entryOf(entries, 'top'));
    expect(open.list()).toEqual([]);
  });

  it('removes a command that ends out of order (first, middle, last) and keeps the others in order', () => {
    const { open, entries } = openAll(['a', 'b', 'c', 'd', 'e']);
    open.delete(entryOf(entries, 'c'));
    expect(open.list()).toEqual(['a', 'b', 'd', 'e']);
    open.delete(entryOf(entries, 'a'));
    expect(open.list()).toEqual(['b', 'd', 'e']);
    open.delete(entryOf(entries, 'e'));
    expect(open.list()).toEqual(['b', 'd']);
    open.add('f');
    expect(open.list()).toEqual(['b', 'd', 'f']);
  });

  it('ignores an entry deleted twice, and takes the same item added twice out once per entry', () => {
    const open = new OpenCommands<string>();
    const first = open.add('same');
    const other = open.add('other');
    open.add('same');
    open.delete(first);
    open.delete(first);
    expect(open.list()).toEqual(['other', 'same']);
    open.delete(other);
    expect(open.list()).toEqual(['same']);
  });

  it('hands out a copy: ending commands while going through the list skips none', () => {
    const { open, entries } = openAll(['a', 'b', 'c']);
    const seen: string[] = [];
    for (const name of open.list()) {
      seen.push(name);
      open.delete(entryOf(entries, name));
    }
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(open.list()).toEqual([]);
  });

  it('keeps up with 100,000 commands open at once that end oldest first (each removal is constant work)', () => {
    const names = Array.from({ length: 100_000 }, (_, index) => `c${index}`);
    const { open, entries } = openAll(names);
    for (const name of names.slice(0, 99_999)) open.delete(entryOf(entries, name));
    expect(open.list()).toEqual(['c99999']);
  });
});
