import { describe, expect, it } from 'vitest';
import { OpenCommands } from '../../src/lifecycle/open-commands.js';

describe('OpenCommands', () => {
  it('lists open commands oldest first; nested ones end last-in, first-out', () => {
    const open = new OpenCommands<string>();
    open.add('top');
    open.add('nested');
    expect(open.list()).toEqual(['top', 'nested']);
    open.delete('nested');
    expect(open.list()).toEqual(['top']);
    open.delete('top');
    expect(open.list()).toEqual([]);
  });

  it('removes a command that ends out of order (concurrent commands) and keeps the others in order', () => {
    const open = new OpenCommands<string>();
    for (const name of ['a', 'b', 'c', 'd']) open.add(name);
    open.delete('b');
    expect(open.list()).toEqual(['a', 'c', 'd']);
    open.delete('a');
    expect(open.list()).toEqual(['c', 'd']);
  });

  it('ignores a command that is not open, or is deleted twice', () => {
    const open = new OpenCommands<string>();
    open.add('a');
    open.delete('x');
    open.delete('a');
    open.delete('a');
    expect(open.list()).toEqual([]);
  });

  it('removes one entry per delete when the same object was added twice (the newest)', () => {
    const open = new OpenCommands<object>();
    const same = {};
    const other = {};
    open.add(same);
    open.add(other);
    open.add(same);
    open.delete(same);
    expect(open.list()).toEqual([same, other]);
  });

  it('hands out a copy: ending commands while going through the list skips none', () => {
    const open = new OpenCommands<string>();
    for (const name of ['a', 'b', 'c']) open.add(name);
    const seen: string[] = [];
    for (const name of open.list()) {
      seen.push(name);
      open.delete(name);
    }
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(open.list()).toEqual([]);
  });
});
