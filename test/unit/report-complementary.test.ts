import { describe, expect, it } from 'vitest';
import { cellsToHide } from '../../src/report/complementary.js';
import { InstallSet } from '../../src/report/install-set.js';

function cell(count: number, installs: number[]): { count: number; installs: InstallSet } {
  const set = new InstallSet();
  for (const install of installs) set.add(install);
  return { count, installs: set };
}

describe('complementary suppression', () => {
  it('hides nothing when every figure stands for k installs', () => {
    expect(cellsToHide([cell(10, [1, 2]), cell(3, [3, 4])], 2)).toEqual(new Set());
  });

  it('hides the smallest other figure when the hidden one alone could be worked out from the total', () => {
    const cells = [cell(50, [1, 2, 3]), cell(20, [4, 5, 6]), cell(1, [7])];
    expect(cellsToHide(cells, 3)).toEqual(new Set([2, 1]));
  });

  it('stops once the hidden figures stand for k installs together', () => {
    const cells = [cell(9, [1, 2, 3]), cell(2, [4, 5]), cell(2, [6, 7])];
    expect(cellsToHide(cells, 3)).toEqual(new Set([1, 2]));
  });

  it('takes complements in the order given', () => {
    const cells = [cell(50, [1, 2, 3]), cell(20, [4, 5, 6]), cell(1, [7])];
    expect(cellsToHide(cells, 3, [0, 1, 2])).toEqual(new Set([2, 0]));
  });

  it('never picks an empty figure as a complement', () => {
    const cells = [cell(0, []), cell(1, [1])];
    expect(cellsToHide(cells, 2)).toEqual(new Set([1]));
  });
});
