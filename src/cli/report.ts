/**
 * `optel report`: reads spans from OTLP JSON lines files (`optel receive
 * --jsonl`, or the OpenTelemetry Collector's file exporter) and writes one
 * self-contained HTML page of usage figures, suppressed where fewer than
 * `--min-installs` installs stand behind a figure, so it can be published.
 */
import { access, constants, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_MIN_INSTALLS, buildReport } from '../report/build-report.js';
import { renderPage } from '../report/page.js';
import { UsageError } from './usage-error.js';

const COMMAND = 'optel report';

export const REPORT_USAGE = `Usage: optel report FILE... [options]

Write a usage report (one HTML page, no network needed to open it) from spans
in OTLP JSON lines: files written by 'optel receive --jsonl', or by the
OpenTelemetry Collector's file exporter.

Options:
  --out <file>          Where to write the page (default report.html)
  --min-installs <k>    Suppress every figure backed by fewer than k distinct
                        installs (default ${DEFAULT_MIN_INSTALLS}); 1 shows everything, for your eyes only
  -h, --help            Show this help
`;

interface ReportArguments {
  help: boolean;
  files: string[];
  out: string;
  minInstalls: number;
}

function parseReportArguments(args: string[]): ReportArguments {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        out: { type: 'string' },
        'min-installs': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    const message = (error as Error).message.split('. ')[0] ?? 'invalid arguments';
    throw new UsageError(message, COMMAND);
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { help: true, files: [], out: '', minInstalls: DEFAULT_MIN_INSTALLS };
  const k = values['min-installs'] ?? String(DEFAULT_MIN_INSTALLS);
  if (!/^\d{1,9}$/.test(k) || Number(k) < 1) {
    throw new UsageError(`--min-installs must be a whole number from 1 up, got '${k}'`, COMMAND);
  }
  if (values.out === '') throw new UsageError('--out must not be empty', COMMAND);
  if (positionals.length === 0) throw new UsageError('give at least one file of spans', COMMAND);
  return { help: false, files: positionals, out: values.out ?? 'report.html', minInstalls: Number(k) };
}

export async function runReport(args: string[]): Promise<number> {
  const options = parseReportArguments(args);
  if (options.help) {
    process.stdout.write(REPORT_USAGE);
    return 0;
  }
  for (const file of options.files) {
    try {
      await access(file, constants.R_OK);
    } catch {
      process.stderr.write(`${COMMAND}: cannot read ${file}\n`);
      return 1;
    }
  }
  const { model, sources } = await buildReport(options.files, { minInstalls: options.minInstalls });
  const out = resolve(options.out);
  await writeFile(out, renderPage(model, sources));
  const s = model.suppressed;
  const withheld = s.commands + s.cells + s.versions + s.errorTypes + s.shareValues + s.days;
  process.stdout.write(
    `${COMMAND}: wrote ${out} (${sources.spans} spans; ${withheld} figure(s) suppressed below ${options.minInstalls} install(s))\n`,
  );
  if (sources.skippedLines > 0) process.stderr.write(`${COMMAND}: skipped ${sources.skippedLines} line(s) that are not OTLP JSON\n`);
  return 0;
}
