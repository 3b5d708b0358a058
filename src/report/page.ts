/**
 * The report as one self-contained HTML page: inline CSS and SVG, no script,
 * no font or image fetched, so it opens from disk and can be published as a
 * file. Figures carry `data-figure` names so a test (or a reader's script)
 * can find them; the text shown is the figure.
 */
import type { StackedRow } from './charts.js';
import { columns, rangeDots, shareBar, stackedBars } from './charts.js';
import { escapeHtml } from './escape.js';
import { formatCount, formatDuration, formatPercent } from './format.js';
import type { Cell, CommandRow, ReportModel } from './publish.js';
import { DEFAULT_MIN_INSTALLS, JUMP_FACTOR, JUMP_POINTS } from './publish.js';
import { PAGE_STYLE, SHARE_PALETTE } from './page-style.js';

export interface PageSources {
  readonly files: readonly string[];
  readonly spans: number;
  readonly skippedLines: number;
  readonly generatedAt: Date;
}

const SUPPRESSED_TEXT = 'suppressed';

export function renderPage(model: ReportModel, sources: PageSources): string {
  const title = model.services.length === 0 ? 'Usage report' : `Usage of ${model.services.join(', ')}`;
  const k = model.minInstalls;
  const period = model.days.length === 0 ? 'no runs' : `${model.days[0]?.day ?? ''} to ${model.days.at(-1)?.day ?? ''}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<main>
<header>
<h1>${escapeHtml(title)}</h1>
<p class="lede">${escapeHtml(period)} · ${formatCount(sources.spans)} spans from ${sources.files.length} file${sources.files.length === 1 ? '' : 's'} · every figure stands for at least <strong data-figure="min-installs">${k}</strong> distinct install${k === 1 ? '' : 's'}</p>
</header>
${k < DEFAULT_MIN_INSTALLS ? `<p class="private">Made with a threshold of ${k} install${k === 1 ? '' : 's'}, below the default of ${DEFAULT_MIN_INSTALLS}: figures may point at single people. For your eyes only, not for publishing.</p>` : ''}
${tiles(model)}
${commandsSection(model)}
${durationsSection(model)}
${versionsSection(model)}
${errorTypesSection(model)}
${sharesSection(model)}
${daysSection(model)}
${suppressedSection(model, sources)}
<footer>Made by <code>optel report</code> on ${escapeHtml(sources.generatedAt.toISOString().slice(0, 16).replace('T', ' '))} UTC from optel's wire contract. Nothing on this page is loaded from the network.</footer>
</main>
</body>
</html>
`;
}

function tiles(model: ReportModel): string {
  const { totals } = model;
  const tile = (name: string, label: string, cell: Cell, format: (value: number) => string): string =>
    `<div class="tile"><div class="tile-value">${figure(name, cell, format)}</div><div class="tile-label">${escapeHtml(label)}</div></div>`;
  return `<section class="tiles">
${tile('installs', 'distinct installs', totals.installs, formatCount)}
${tile('runs', 'commands completed', totals.runs, formatCount)}
${tile('failure-rate', 'of completed runs failed', totals.failureRate, formatPercent)}
${tile('killed', 'started, never completed', totals.killed, formatCount)}
</section>`;
}

function commandsSection(model: ReportModel): string {
  if (model.commands.length === 0) return section('Commands', `<p class="empty">${hiddenNote(model.suppressed.commands, 'command', model.minInstalls) || 'No command records in the input.'}</p>`);
  const rows: StackedRow[] = model.commands.map((row) => ({
    label: row.label,
    segments: [
      { value: valueOf(row.outcomes.success), name: 'succeeded', color: 'var(--success)' },
      { value: valueOf(row.outcomes.failure), name: 'failed', color: 'var(--failure)' },
      { value: valueOf(row.outcomes.aborted), name: 'aborted', color: 'var(--aborted)' },
      { value: valueOf(row.killed), name: 'killed', color: 'var(--killed)' },
      // What the hidden outcomes add up to may be shown: they are hidden as a group of at least k installs.
      { value: hiddenOutcomes(row), name: 'in suppressed outcomes', color: 'var(--suppressed)' },
    ],
    note: `${formatCount(row.runs.shown ? row.runs.value : 0)} completed`,
  }));
  const legend = `<p class="legend"><span class="key success"></span>success <span class="key failure"></span>failure <span class="key aborted"></span>aborted (signal) <span class="key killed"></span>killed (started, never completed) <span class="key suppressed"></span>suppressed</p>`;
  const table = `<table><thead><tr><th>command</th><th>installs</th><th>completed</th><th>success</th><th>failure</th><th>aborted</th><th>killed</th><th>p50</th><th>p95</th></tr></thead><tbody>
${model.commands
  .map((row) => {
    const name = row.label;
    return `<tr data-command="${escapeHtml(name)}"><th scope="row">${escapeHtml(name)}</th><td>${figure(`command:${name}:installs`, { shown: true, value: row.installs }, formatCount)}</td><td>${figure(`command:${name}:runs`, row.runs, formatCount)}</td><td>${figure(`command:${name}:success`, row.outcomes.success, formatCount)}</td><td>${figure(`command:${name}:failure`, row.outcomes.failure, formatCount)}</td><td>${figure(`command:${name}:aborted`, row.outcomes.aborted, formatCount)}</td><td>${figure(`command:${name}:killed`, row.killed, formatCount)}</td><td>${figure(`command:${name}:p50`, row.p50Ms, formatDuration)}</td><td>${figure(`command:${name}:p95`, row.p95Ms, formatDuration)}</td></tr>`;
  })
  .join('\n')}
</tbody></table>`;
  const hidden = hiddenNote(model.suppressed.commands, 'command', model.minInstalls);
  return section('Commands: what is run and how it ends', `${stackedBars(rows, 'runs per command by outcome')}${legend}${table}${hidden ? `<p class="note" data-figure="hidden-commands">${hidden}</p>` : ''}`);
}

function durationsSection(model: ReportModel): string {
  const shown = model.commands.filter((row) => row.p50Ms.shown && row.p95Ms.shown);
  if (shown.length === 0) return '';
  const chart = rangeDots(
    shown.map((row) => ({ label: row.label, low: valueOf(row.p50Ms), high: valueOf(row.p95Ms), note: formatDuration(valueOf(row.p50Ms)) })),
    'median and 95th percentile duration per command',
    formatDuration,
  );
  const approximate = model.commands.some((row) => !row.durationsExact)
    ? '<p class="note">Commands with more than 2,048 completed runs have their percentiles from a histogram, within 1% of the exact value.</p>'
    : '';
  return section('How long they take', `${chart}<p class="legend"><span class="dot p50"></span>median <span class="dot p95"></span>95th percentile (completed runs, log scale); the figures are in the table above</p>${approximate}`);
}

/**
 * Failure rate per command × version as a heat map: rows are commands,
 * columns versions in release order, the redder the more failures. A cell
 * whose rate jumped against the command's previous version carries ▲.
 */
function versionsSection(model: ReportModel): string {
  if (model.versionColumns.length === 0) {
    return model.suppressed.versions > 0 ? section('Failure rate by version', `<p class="empty">${model.suppressed.versions} version(s) run by fewer than ${model.minInstalls} installs: ${SUPPRESSED_TEXT}.</p>`) : '';
  }
  const highest = Math.max(0.05, ...model.versions.flatMap((entry) => entry.cells.map((cell) => (typeof cell === 'object' ? cell.failureRate : 0))));
  const head = `<tr><th>command</th>${model.versionColumns.map((version) => `<th>${escapeHtml(version)}</th>`).join('')}</tr>`;
  const body = model.versions
    .map((entry) => {
      const cells = entry.cells
        .map((cell, index) => {
          const version = model.versionColumns[index] ?? '';
          const name = `version:${entry.label}:${version}`;
          if (cell === 'none') return '<td class="heat none">–</td>';
          if (cell === 'suppressed') return `<td class="heat"><span class="suppressed" data-figure="${escapeHtml(name)}">${SUPPRESSED_TEXT}</span></td>`;
          const strength = Math.round((cell.failureRate / highest) * 80);
          const title = `${entry.label} ${version}: ${formatCount(cell.failures)} of ${formatCount(cell.runs)} runs failed${cell.jumped ? `, up from ${formatPercent(cell.previousRate ?? 0)}` : ''}`;
          const flag = cell.jumped ? `<span class="flag-text" data-figure="jump:${escapeHtml(entry.label)}:${escapeHtml(version)}">▲</span> ` : '';
          return `<td class="heat${cell.jumped ? ' jumped' : ''}" style="background:color-mix(in srgb, var(--failure) ${strength}%, transparent)" title="${escapeHtml(title)}">${flag}<span data-figure="${escapeHtml(name)}">${formatPercent(cell.failureRate)}</span><small>${plural(cell.runs, 'run')}</small></td>`;
        })
        .join('');
      return `<tr><th scope="row">${escapeHtml(entry.label)}</th>${cells}</tr>`;
    })
    .join('\n');
  const jumps = model.versions.flatMap((entry) =>
    entry.cells.flatMap((cell, index) => (typeof cell === 'object' && cell.jumped ? [`${entry.label} ${model.versionColumns[index] ?? ''}: ${formatPercent(cell.previousRate ?? 0)} → ${formatPercent(cell.failureRate)}`] : [])),
  );
  const jumpNote = jumps.length > 0 ? `<p class="alert">▲ Failure rate jumped: ${jumps.map(escapeHtml).join('; ')}</p>` : '';
  const hidden = model.suppressed.versions > 0 ? `<p class="note">${model.suppressed.versions} version(s) run by fewer than ${model.minInstalls} installs for every command: ${SUPPRESSED_TEXT}.</p>` : '';
  return section(
    'Failure rate by version',
    `${jumpNote}<div class="scroll"><table class="heatmap"><thead>${head}</thead><tbody>${body}</tbody></table></div><p class="note">Share of completed runs that failed. ▲ marks a version whose rate rose by at least ${Math.round(JUMP_POINTS * 100)} points and to at least ${JUMP_FACTOR}× the command's previous version.</p>${hidden}`,
  );
}

function errorTypesSection(model: ReportModel): string {
  const hidden = hiddenNote(model.suppressed.errorTypes, 'error type', model.minInstalls);
  if (model.errorTypes.length === 0 && hidden === '') return '';
  const chart =
    model.errorTypes.length === 0
      ? ''
      : stackedBars(
          model.errorTypes.map((row) => ({ label: row.label, segments: [{ value: row.count, name: 'failures', color: 'var(--failure)' }], note: formatCount(row.count) })),
          'most frequent error types',
        );
  const list = model.errorTypes.map((row) => `<li><code>${escapeHtml(row.label)}</code> <span data-figure="error:${escapeHtml(row.label)}">${formatCount(row.count)}</span></li>`).join('');
  return section('Top error types', `${chart}<ul class="inline-list">${list}</ul>${hidden ? `<p class="note">${hidden}</p>` : ''}`);
}

function sharesSection(model: ReportModel): string {
  const names = { os: 'Operating system', runtime: 'Runtime', ci: 'CI' } as const;
  const blocks = (['os', 'runtime', 'ci'] as const)
    .map((dimension) => {
      const { rows, hidden } = model.shares[dimension];
      const withheld = 1 - rows.reduce((sum, row) => sum + row.share, 0);
      const shares = rows.map((row) => ({ label: row.label, share: row.share, title: `${row.label}: ${formatPercent(row.share)} (${formatCount(row.installs)} installs)` }));
      if (hidden > 0 && withheld > 0.0005) shares.push({ label: SUPPRESSED_TEXT, share: withheld, title: `${hidden} value(s) suppressed` });
      const palette = [...SHARE_PALETTE.slice(0, rows.length), 'var(--suppressed)'];
      const legend = rows
        .map((row, index) => `<li><span class="key" style="background:${SHARE_PALETTE[index % SHARE_PALETTE.length] ?? 'gray'}"></span>${escapeHtml(row.label)} <strong data-figure="share:${dimension}:${escapeHtml(row.label)}">${formatPercent(row.share)}</strong></li>`)
        .join('');
      const hiddenItem = hidden > 0 ? `<li><span class="key suppressed"></span>${hidden} more: ${SUPPRESSED_TEXT}</li>` : '';
      return `<div class="share"><h3>${names[dimension]}</h3>${rows.length + hidden === 0 ? '<p class="empty">no data</p>' : shareBar(shares, `${names[dimension]} share of installs`, palette)}<ul class="inline-list">${legend}${hiddenItem}</ul></div>`;
    })
    .join('\n');
  return section('Where it runs', `<p class="note">Share of installs seen with each value (an install that upgraded counts once per value).</p>${blocks}`);
}

function daysSection(model: ReportModel): string {
  if (model.days.length === 0) return '';
  const chart = columns(
    model.days.map((day) => ({
      label: day.day.slice(5),
      value: day.runs.shown ? day.runs.value : undefined,
      title: day.runs.shown ? `${day.day}: ${formatCount(day.runs.value)} completed runs` : `${day.day}: ${SUPPRESSED_TEXT} (fewer than ${model.minInstalls} installs)`,
    })),
    'completed runs per day',
  );
  const list = model.days.map((day) => `<li>${escapeHtml(day.day)} ${figure(`day:${day.day}`, day.runs, formatCount)}</li>`).join('');
  return section('Completed runs per day', `${chart}<details><summary>per day</summary><ul class="inline-list">${list}</ul></details>`);
}

function suppressedSection(model: ReportModel, sources: PageSources): string {
  const k = model.minInstalls;
  const s = model.suppressed;
  const items = [
    ['commands', s.commands, 'commands withheld with their names'],
    ['cells', s.cells, 'single figures (an outcome count, a percentile, a total) shown as “suppressed”'],
    ['versions', s.versions, 'command versions withheld from the failure-rate tables'],
    ['error-types', s.errorTypes, 'error types withheld'],
    ['share-values', s.shareValues, 'OS, runtime or CI values grouped as “suppressed”'],
    ['days', s.days, 'days whose count is suppressed'],
  ] as const;
  const list = items.map(([name, count, text]) => `<li><strong data-figure="suppressed:${name}">${formatCount(count)}</strong> ${escapeHtml(text)}</li>`).join('');
  const skipped = sources.skippedLines > 0 ? `<p>${formatCount(sources.skippedLines)} input line(s) could not be read as OTLP JSON and were skipped.</p>` : '';
  const evictions = model.matchingEvictions > 0 ? `<p>Matching started and completed records overflowed its window ${formatCount(model.matchingEvictions)} time(s): the killed count may be off by up to that many.</p>` : '';
  return section(
    'What this page leaves out',
    `<p>Any figure backed by fewer than <strong>${k}</strong> distinct installs is suppressed, so no one's use can be picked out. Where figures add up to a total on the page, more of them are hidden until what is hidden stands for at least ${k} installs, so the total can't give them back. Records without an install id count as no install. Values that look like hashes or ids are never printed in full. Totals at the top include the withheld rows.</p><ul>${list}</ul>${skipped}${evictions}`,
  );
}

function section(title: string, body: string): string {
  return `<section><h2>${escapeHtml(title)}</h2>${body}</section>`;
}

function figure(name: string, cell: Cell, format: (value: number) => string): string {
  if (!cell.shown) return `<span class="suppressed" data-figure="${escapeHtml(name)}" title="fewer installs than the threshold">${SUPPRESSED_TEXT}</span>`;
  return `<span data-figure="${escapeHtml(name)}">${escapeHtml(format(cell.value))}</span>`;
}

function plural(count: number, noun: string): string {
  return `${formatCount(count)} ${noun}${count === 1 ? '' : 's'}`;
}

function hiddenOutcomes(row: CommandRow): number {
  const shownSum = valueOf(row.outcomes.success) + valueOf(row.outcomes.failure) + valueOf(row.outcomes.aborted);
  return Math.max(0, valueOf(row.runs) - shownSum);
}

function valueOf(cell: Cell): number {
  return cell.shown ? cell.value : 0;
}

function hiddenNote(count: number, noun: string, k: number): string {
  if (count === 0) return '';
  return `${count} ${noun}${count === 1 ? '' : 's'} withheld: used by fewer than ${k} installs, or hidden along with one that is.`;
}
