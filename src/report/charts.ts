/**
 * The page's charts as inline SVG strings: no script, no library, nothing
 * fetched, so the page opens from disk and prints. Each chart is a plain
 * function of its rows; colours come from CSS variables set by the page.
 * Every mark carries a <title>, so hovering names the figure.
 */
import { escapeHtml } from './escape.js';

const WIDTH = 720;
const LABEL_WIDTH = 170;
const VALUE_WIDTH = 110;
const ROW_HEIGHT = 26;
const BAR_HEIGHT = 16;

export interface Segment {
  readonly value: number;
  readonly name: string;
  /** A CSS colour, usually var(--...). */
  readonly color: string;
}

export interface StackedRow {
  readonly label: string;
  readonly segments: readonly Segment[];
  /** Printed right of the bar. */
  readonly note: string;
}

/** One horizontal bar per row, split into segments, all on one scale (the largest row fills the width). */
export function stackedBars(rows: readonly StackedRow[], ariaLabel: string): string {
  const plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const largest = Math.max(1, ...rows.map((row) => sum(row.segments)));
  const body = rows
    .map((row, index) => {
      const y = index * ROW_HEIGHT;
      let x = LABEL_WIDTH;
      const bars = row.segments
        .filter((segment) => segment.value > 0)
        .map((segment) => {
          const width = Math.max(1, (segment.value / largest) * plot);
          const rect = `<rect x="${fixed(x)}" y="${y + 5}" width="${fixed(width)}" height="${BAR_HEIGHT}" rx="2" fill="${segment.color}"><title>${escapeHtml(`${row.label}: ${segment.value} ${segment.name}`)}</title></rect>`;
          x += width;
          return rect;
        })
        .join('');
      return `${rowLabel(row.label, y)}${bars}<text x="${fixed(x + 6)}" y="${y + 17}" class="value">${escapeHtml(row.note)}</text>`;
    })
    .join('');
  return svg(rows.length * ROW_HEIGHT + 4, ariaLabel, body);
}

export interface RangeRow {
  readonly label: string;
  readonly low: number;
  readonly high: number;
  readonly note: string;
}

/**
 * A dumbbell per row on a log scale: a dot at the median, a ring at p95, the
 * line between them. Log, because a 50 ms command and a 5 min one share the chart.
 */
export function rangeDots(rows: readonly RangeRow[], ariaLabel: string, unit: (value: number) => string): string {
  const plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 10;
  const values = rows.flatMap((row) => [row.low, row.high]).filter((value) => value > 0);
  const min = Math.log10(Math.max(1e-3, Math.min(...values, 1)));
  const max = Math.log10(Math.max(...values, 10));
  const lo = Math.floor(min);
  const hi = Math.ceil(max);
  const xOf = (value: number): number => LABEL_WIDTH + ((Math.log10(Math.max(value, 10 ** lo)) - lo) / Math.max(1, hi - lo)) * plot;
  const height = rows.length * ROW_HEIGHT + 22;
  const ticks: string[] = [];
  for (let power = lo; power <= hi; power += 1) {
    const x = fixed(xOf(10 ** power));
    ticks.push(`<line x1="${x}" x2="${x}" y1="0" y2="${height - 18}" class="grid"/><text x="${x}" y="${height - 4}" class="axis" text-anchor="middle">${escapeHtml(unit(10 ** power))}</text>`);
  }
  const body = rows
    .map((row, index) => {
      const y = index * ROW_HEIGHT + 13;
      const x1 = fixed(xOf(row.low));
      const x2 = fixed(xOf(row.high));
      return `${rowLabel(row.label, index * ROW_HEIGHT)}<line x1="${x1}" x2="${x2}" y1="${y}" y2="${y}" class="range"/><circle cx="${x1}" cy="${y}" r="5" class="p50"><title>${escapeHtml(`${row.label}: median ${unit(row.low)}`)}</title></circle><circle cx="${x2}" cy="${y}" r="5" class="p95"><title>${escapeHtml(`${row.label}: p95 ${unit(row.high)}`)}</title></circle><text x="${WIDTH - VALUE_WIDTH + 14}" y="${y + 4}" class="value">${escapeHtml(row.note)}</text>`;
    })
    .join('');
  return svg(height, ariaLabel, ticks.join('') + body);
}

export interface Column {
  readonly label: string;
  /** undefined: suppressed, drawn as an empty dashed slot. */
  readonly value: number | undefined;
  readonly title: string;
  readonly flagged?: boolean;
}

/** Vertical columns on a zero-based scale; `max` fixes the top (1 for rates). */
export function columns(items: readonly Column[], ariaLabel: string, options: { max?: number; height?: number } = {}): string {
  const height = options.height ?? 160;
  const plotTop = 16;
  const plotBottom = height - 22;
  const plotHeight = plotBottom - plotTop;
  const max = options.max ?? Math.max(1, ...items.map((item) => item.value ?? 0));
  const slot = (WIDTH - 40) / Math.max(1, items.length);
  const barWidth = Math.max(2, Math.min(48, slot * 0.7));
  const labelEvery = Math.max(1, Math.ceil(items.length / 12));
  const body = items
    .map((item, index) => {
      const x = 30 + index * slot + (slot - barWidth) / 2;
      const center = fixed(x + barWidth / 2);
      const label = index % labelEvery === 0 ? `<text x="${center}" y="${height - 6}" class="axis" text-anchor="middle">${escapeHtml(item.label)}</text>` : '';
      if (item.value === undefined) {
        return `<rect x="${fixed(x)}" y="${plotBottom - 14}" width="${fixed(barWidth)}" height="14" class="suppressed-slot"><title>${escapeHtml(item.title)}</title></rect>${label}`;
      }
      const barHeight = Math.max(item.value > 0 ? 1.5 : 0, (item.value / max) * plotHeight);
      const y = plotBottom - barHeight;
      const flag = item.flagged === true ? `<text x="${center}" y="${fixed(y - 4)}" class="flag" text-anchor="middle">▲</text>` : '';
      return `<rect x="${fixed(x)}" y="${fixed(y)}" width="${fixed(barWidth)}" height="${fixed(barHeight)}" rx="2" class="${item.flagged === true ? 'column flagged' : 'column'}"><title>${escapeHtml(item.title)}</title></rect>${flag}${label}`;
    })
    .join('');
  const baseline = `<line x1="24" x2="${WIDTH - 6}" y1="${plotBottom}" y2="${plotBottom}" class="baseline"/>`;
  return svg(height, ariaLabel, baseline + body);
}

export interface Share {
  readonly label: string;
  readonly share: number;
  readonly title: string;
}

/** One 100% bar split by share, labelled inside where the piece is wide enough. */
export function shareBar(shares: readonly Share[], ariaLabel: string, palette: readonly string[]): string {
  const plot = WIDTH - 2;
  let x = 1;
  const body = shares
    .map((share, index) => {
      const width = share.share * plot;
      const color = palette[index % palette.length] ?? 'gray';
      const text = width > 70 ? `<text x="${fixed(x + 8)}" y="24" class="inside">${escapeHtml(share.label)}</text>` : '';
      const rect = `<rect x="${fixed(x)}" y="4" width="${fixed(Math.max(0, width - 1))}" height="32" fill="${color}"><title>${escapeHtml(share.title)}</title></rect>${text}`;
      x += width;
      return rect;
    })
    .join('');
  return svg(40, ariaLabel, body);
}

function rowLabel(label: string, y: number): string {
  return `<text x="${LABEL_WIDTH - 10}" y="${y + 17}" class="label" text-anchor="end">${escapeHtml(label)}</text>`;
}

function svg(height: number, ariaLabel: string, body: string): string {
  return `<svg viewBox="0 0 ${WIDTH} ${fixed(height)}" width="100%" role="img" aria-label="${escapeHtml(ariaLabel)}" xmlns="http://www.w3.org/2000/svg">${body}</svg>`;
}

function sum(segments: readonly Segment[]): number {
  return segments.reduce((total, segment) => total + segment.value, 0);
}

function fixed(value: number): string {
  return String(Math.round(value * 10) / 10);
}
