import { describe, expect, it } from 'vitest';
import { DISABLE_FLAG, takeDisableFlag } from '../../src/consent/flags.js';

describe('takeDisableFlag', () => {
  it('is the --disable-telemetry flag', () => {
    expect(DISABLE_FLAG).toBe('--disable-telemetry');
  });

  it('finds the flag and removes it from the same array, so the host parser never sees it', () => {
    const argv = ['build', '--disable-telemetry', '--watch'];
    const same = argv;
    expect(takeDisableFlag(argv)).toBe(true);
    expect(argv).toBe(same);
    expect(argv).toEqual(['build', '--watch']);
  });

  it('removes every occurrence, including adjacent ones', () => {
    const argv = ['--disable-telemetry', '--disable-telemetry', 'a', '--disable-telemetry'];
    expect(takeDisableFlag(argv)).toBe(true);
    expect(argv).toEqual(['a']);
  });

  it('leaves everything after a bare -- to the host, flag included', () => {
    const argv = ['run', '--', 'child', '--disable-telemetry'];
    expect(takeDisableFlag(argv)).toBe(false);
    expect(argv).toEqual(['run', '--', 'child', '--disable-telemetry']);
  });

  it('takes the flag before -- and leaves the one after it', () => {
    const argv = ['--disable-telemetry', 'run', '--', '--disable-telemetry'];
    expect(takeDisableFlag(argv)).toBe(true);
    expect(argv).toEqual(['run', '--', '--disable-telemetry']);
  });

  it('returns false and changes nothing when the flag is absent', () => {
    const argv = ['build', '--disable-telemetry-please', '--no-disable-telemetry', 'disable-telemetry'];
    expect(takeDisableFlag(argv)).toBe(false);
    expect(argv).toEqual(['build', '--disable-telemetry-please', '--no-disable-telemetry', 'disable-telemetry']);
    const empty: string[] = [];
    expect(takeDisableFlag(empty)).toBe(false);
    expect(empty).toEqual([]);
  });
});
