/**
 * How figures read on the page. Fixed to one locale so the page says the
 * same wherever it is generated, and tests can read it back.
 */
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatCount(value: number): string {
  return integer.format(value);
}

export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

/** Milliseconds below 1 s, seconds below 2 min, minutes beyond; three significant digits at most. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${trim(ms < 10 ? ms.toFixed(1) : ms.toFixed(0))} ms`;
  if (ms < 120_000) return `${trim((ms / 1000).toFixed(ms < 10_000 ? 2 : 1))} s`;
  return `${trim((ms / 60_000).toFixed(1))} min`;
}

function trim(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}
