import { describe, expect, it } from 'vitest';
import { DurationQuantiles } from '../../src/report/duration-quantiles.js';

describe('report percentiles', () => {
  it('are exact, by nearest rank, for a small number of runs', () => {
    const quantiles = new DurationQuantiles();
    for (const ms of [5, 1, 4, 2, 3]) quantiles.add(ms);
    expect(quantiles.quantile(0.5)).toBe(3);
    expect(quantiles.quantile(0.95)).toBe(5);
    expect(quantiles.quantile(0.2)).toBe(1);
    expect(quantiles.isExact).toBe(true);
  });

  it('have no value without runs', () => {
    expect(new DurationQuantiles().quantile(0.5)).toBeUndefined();
  });

  it('stay within 1% of the exact value past the exact limit, from 1 ms to an hour', () => {
    const quantiles = new DurationQuantiles();
    const values: number[] = [];
    // A deterministic spread over six orders of magnitude.
    for (let i = 0; i < 50_000; i += 1) {
      const ms = 10 ** (((i * 7919) % 50_000) / 50_000 * 6.5);
      values.push(ms);
      quantiles.add(ms);
    }
    expect(quantiles.isExact).toBe(false);
    values.sort((a, b) => a - b);
    for (const p of [0.5, 0.9, 0.95, 0.99]) {
      const exact = values[Math.ceil(p * values.length) - 1] ?? 0;
      const estimate = quantiles.quantile(p) ?? 0;
      expect(Math.abs(estimate - exact) / exact, `p${p * 100}`).toBeLessThanOrEqual(0.01);
    }
    expect(quantiles.count).toBe(50_000);
  });

  it('put zero-length durations in the lowest bucket', () => {
    const quantiles = new DurationQuantiles();
    for (let i = 0; i < 3000; i += 1) quantiles.add(0);
    expect(quantiles.quantile(0.5)).toBeLessThan(0.0011);
  });
});
