/**
 * Percentiles of command durations in bounded memory.
 *
 * The first EXACT_LIMIT durations of a command are kept as they are, so a
 * small data set gets exact answers (nearest rank). Past that, they fold into
 * a fixed log-scale histogram: buckets grow by 2% from 1 µs to about 32 days,
 * so a percentile is off by at most 1% of its value, whatever the number of
 * runs, in ~1,500 numbers per command.
 */

const EXACT_LIMIT = 2048;
const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);
const SMALLEST_MS = 0.001;
const BUCKETS = Math.ceil(Math.log(32 * 24 * 3600 * 1000 / SMALLEST_MS) / LOG_GROWTH) + 1;

export class DurationQuantiles {
  private exact: number[] | undefined = [];
  private histogram: Float64Array | undefined;
  private total = 0;

  get count(): number {
    return this.total;
  }

  /** True while every answer is exact. */
  get isExact(): boolean {
    return this.exact !== undefined;
  }

  add(durationMs: number): void {
    this.total += 1;
    if (this.exact !== undefined) {
      this.exact.push(durationMs);
      if (this.exact.length <= EXACT_LIMIT) return;
      this.histogram = new Float64Array(BUCKETS);
      for (const value of this.exact) this.addToHistogram(value);
      this.exact = undefined;
      return;
    }
    this.addToHistogram(durationMs);
  }

  /** The p-quantile (0 < p ≤ 1) by nearest rank, or undefined with no data. */
  quantile(p: number): number | undefined {
    if (this.total === 0) return undefined;
    const rank = Math.max(1, Math.ceil(p * this.total));
    if (this.exact !== undefined) {
      const sorted = [...this.exact].sort((a, b) => a - b);
      return sorted[rank - 1];
    }
    const histogram = this.histogram ?? new Float64Array(BUCKETS);
    let seen = 0;
    for (let bucket = 0; bucket < BUCKETS; bucket += 1) {
      seen += histogram[bucket] ?? 0;
      if (seen >= rank) return bucketMiddle(bucket);
    }
    return bucketMiddle(BUCKETS - 1);
  }

  private addToHistogram(durationMs: number): void {
    const histogram = this.histogram;
    if (histogram === undefined) return;
    histogram[bucketOf(durationMs)] = (histogram[bucketOf(durationMs)] ?? 0) + 1;
  }
}

function bucketOf(durationMs: number): number {
  if (!(durationMs > SMALLEST_MS)) return 0;
  return Math.min(BUCKETS - 1, Math.floor(Math.log(durationMs / SMALLEST_MS) / LOG_GROWTH));
}

/** The geometric middle of a bucket: within 1% of any value in it. */
function bucketMiddle(bucket: number): number {
  return SMALLEST_MS * GROWTH ** (bucket + 0.5);
}
