/** The page's stylesheet, inline (no file or font to fetch); light and dark follow the reader's setting. */
export const SHARE_PALETTE: readonly string[] = ['#4e79a7', '#59a14f', '#f28e2b', '#b07aa1', '#76b7b2', '#edc948', '#9c755f', '#ff9da7'];

export const PAGE_STYLE = `
:root { --bg: #f7f7f4; --card: #ffffff; --ink: #1d2430; --muted: #5d6675; --line: #e3e4e0;
  --success: #3f9b6b; --failure: #d1495b; --aborted: #edae49; --killed: #7d5ba6; --suppressed: #c9ccd1; --accent: #30638e; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #14171c; --card: #1d222a; --ink: #e6e8eb; --muted: #9aa3ae; --line: #2c333d; --suppressed: #4a515c; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 860px; margin: 0 auto; padding: 32px 20px 48px; }
h1 { font-size: 28px; margin: 0 0 4px; letter-spacing: -0.01em; }
h2 { font-size: 18px; margin: 0 0 12px; }
h3 { font-size: 15px; margin: 16px 0 4px; color: var(--muted); font-weight: 600; }
.lede { color: var(--muted); margin: 0 0 24px; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 18px 20px; margin: 0 0 18px; }
.tiles { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; background: none; border: 0; padding: 0; }
.tile { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; }
.tile-value { font-size: 28px; font-weight: 700; color: var(--accent); font-variant-numeric: tabular-nums; }
.tile-label { color: var(--muted); font-size: 13px; }
table { border-collapse: collapse; width: 100%; margin-top: 10px; font-variant-numeric: tabular-nums; font-size: 14px; }
th, td { text-align: right; padding: 4px 8px; border-bottom: 1px solid var(--line); }
th:first-child, td:first-child { text-align: left; }
thead th { color: var(--muted); font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; }
.suppressed { color: var(--muted); font-style: italic; font-size: 12px; }
.tile .suppressed { font-size: 16px; }
.suppressed-row td { color: var(--muted); font-style: italic; }
table.heatmap td.heat { text-align: center; border: 2px solid var(--card); border-radius: 4px; padding: 6px 4px; }
table.heatmap td.heat small { display: block; color: var(--muted); font-size: 11px; }
table.heatmap td.none { color: var(--muted); }
table.heatmap td.jumped { outline: 2px solid var(--failure); outline-offset: -2px; font-weight: 700; }
.scroll { overflow-x: auto; }
.private { background: color-mix(in srgb, var(--aborted) 22%, var(--card)); border: 1px solid var(--aborted); border-radius: 8px; padding: 8px 12px; margin: 0 0 18px; font-size: 14px; }
.alert { color: var(--failure); font-weight: 600; margin: 0 0 6px; }
.flag-text { color: var(--failure); font-weight: 600; }
.note, .empty { color: var(--muted); font-size: 13px; }
.legend { color: var(--muted); font-size: 13px; margin: 4px 0 0; }
.key { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin: 0 4px 0 10px; vertical-align: baseline; }
.key.success { background: var(--success); } .key.failure { background: var(--failure); }
.key.aborted { background: var(--aborted); } .key.killed { background: var(--killed); } .key.suppressed { background: var(--suppressed); }
.dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin: 0 4px 0 10px; }
.dot.p50 { background: var(--accent); } .dot.p95 { border: 2px solid var(--failure); }
.inline-list { list-style: none; padding: 0; margin: 8px 0 0; display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 14px; }
.share h3 { margin-top: 10px; }
details summary { cursor: pointer; color: var(--muted); font-size: 13px; margin-top: 6px; }
footer { color: var(--muted); font-size: 12px; text-align: center; margin-top: 24px; }
code { font-size: 13px; }
svg text { font-family: inherit; }
svg .label { font-size: 13px; fill: var(--ink); }
svg .value, svg .axis { font-size: 12px; fill: var(--muted); }
svg .inside { font-size: 12px; fill: #fff; font-weight: 600; }
svg .grid { stroke: var(--line); }
svg .baseline { stroke: var(--muted); stroke-width: 1; }
svg .range { stroke: var(--muted); stroke-width: 3; stroke-linecap: round; }
svg .p50 { fill: var(--accent); }
svg .p95 { fill: var(--card); stroke: var(--failure); stroke-width: 2.5; }
svg .column { fill: var(--accent); }
svg .column.flagged { fill: var(--failure); }
svg .flag { fill: var(--failure); font-size: 12px; }
svg .suppressed-slot { fill: none; stroke: var(--suppressed); stroke-dasharray: 3 2; }
@media (max-width: 640px) { .tiles { grid-template-columns: repeat(2, 1fr); } }
`;
