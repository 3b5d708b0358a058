import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../src/report/format.js';
import { shownLabel } from '../../src/report/shown-label.js';
import { compareVersions } from '../../src/report/version-order.js';

describe('report labels', () => {
  it('cut values that look like digests or ids', () => {
    expect(shownLabel('9f86d081884c7d65')).toBe('9f86d0…');
    expect(shownLabel('248ca800-8418-4aca-ac43-189f012bc560')).toBe('248ca8…');
    expect(shownLabel('build')).toBe('build');
    expect(shownLabel('exit code 1')).toBe('exit code 1');
  });

  it('cut very long values', () => {
    expect(shownLabel('x'.repeat(200))).toHaveLength(80);
  });
});

describe('version order', () => {
  it('compares numeric parts as numbers and puts pre-releases before their release', () => {
    const versions = ['1.10.0', '1.9.2', '2.0.0', '2.0.0-rc.1', 'v1.2.0', '1.2.0-beta', '(none)'];
    expect([...versions].sort(compareVersions)).toEqual(['1.2.0-beta', 'v1.2.0', '1.9.2', '1.10.0', '2.0.0-rc.1', '2.0.0', '(none)']);
  });
});

describe('durations on the page', () => {
  it('read in ms, s or min with few digits', () => {
    expect(formatDuration(0.25)).toBe('0.3 ms');
    expect(formatDuration(600)).toBe('600 ms');
    expect(formatDuration(1500)).toBe('1.5 s');
    expect(formatDuration(25_400)).toBe('25.4 s');
    expect(formatDuration(300_000)).toBe('5 min');
  });
});
