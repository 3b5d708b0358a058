/**
 * Complementary suppression. Hiding each figure backed by fewer than k
 * installs is not enough when the figures of a group add up to a total that
 * is shown: the total minus the shown figures gives the hidden one back (a
 * command's runs minus its successes and failures is its killed runs). So
 * when what a group hides stands for fewer than k installs altogether, its
 * smallest shown figures are hidden too, until the hidden part stands for at
 * least k installs: then the only thing the total gives away is a sum that
 * could be published by itself.
 */
import type { InstallSet } from './install-set.js';

export interface GroupCell {
  readonly count: number;
  readonly installs: InstallSet;
}

/**
 * The indexes of `cells` to hide: those below `k`, and the complement that
 * protects them, taken smallest first, or in `complementOrder` when given
 * (a cell whose value another table also gives away is a poor complement).
 */
export function cellsToHide(cells: readonly GroupCell[], k: number, complementOrder?: readonly number[]): Set<number> {
  const hidden = new Set<number>();
  const union = new Set<number>();
  cells.forEach((cell, index) => {
    if (cell.count > 0 && cell.installs.size < k) {
      hidden.add(index);
      cell.installs.addTo(union);
    }
  });
  if (hidden.size === 0) return hidden;
  const order = complementOrder ?? [...cells.keys()].sort((a, b) => (cells[a]?.count ?? 0) - (cells[b]?.count ?? 0));
  for (const index of order) {
    if (union.size >= k) break;
    const cell = cells[index];
    if (cell === undefined || hidden.has(index) || cell.count === 0) continue;
    hidden.add(index);
    cell.installs.addTo(union);
  }
  return hidden;
}

/** How many distinct installs stand behind the hidden cells together (counted up to k). */
export function hiddenInstalls(cells: readonly GroupCell[], hidden: ReadonlySet<number>): number {
  const union = new Set<number>();
  for (const index of hidden) cells[index]?.installs.addTo(union);
  return union.size;
}
