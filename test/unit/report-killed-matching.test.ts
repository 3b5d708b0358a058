import { describe, expect, it } from 'vitest';
import { KilledMatcher } from '../../src/report/killed-matcher.js';

function matcher(window?: number): { killed: string[]; matcher: KilledMatcher<string> } {
  const killed: string[] = [];
  return { killed, matcher: new KilledMatcher<string>((name) => killed.push(name), window) };
}

describe('finding killed commands', () => {
  it('counts a started record whose command never completed', () => {
    const { killed, matcher: m } = matcher();
    m.started('t1', 's1', 'build');
    m.started('t2', 's2', 'watch');
    m.completed('t1', 's1');
    m.finish();
    expect(killed).toEqual(['watch']);
  });

  it('matches a completed record that arrives before its started record', () => {
    const { killed, matcher: m } = matcher();
    m.completed('t1', 's1');
    m.started('t1', 's1', 'build');
    m.finish();
    expect(killed).toEqual([]);
  });

  it('needs the same trace: the same span id in another trace does not match', () => {
    const { killed, matcher: m } = matcher();
    m.started('t1', 's1', 'build');
    m.completed('t2', 's1');
    m.finish();
    expect(killed).toEqual(['build']);
  });

  it('holds at most its window and counts what overflowed', () => {
    const { killed, matcher: m } = matcher(2);
    m.started('t1', 's1', 'a');
    m.started('t2', 's2', 'b');
    m.started('t3', 's3', 'c');
    // 'a' left the window unmatched: counted as killed at once.
    expect(killed).toEqual(['a']);
    m.completed('t2', 's2');
    m.completed('t3', 's3');
    m.finish();
    expect(killed).toEqual(['a']);
    expect(m.evictions).toBe(1);
  });
});
