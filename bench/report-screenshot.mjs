// Draws docs/report.png, the README's picture of an `optel report` page: the
// report of a generated month (bench/report-spans.mjs; 300 installs, a rare
// command suppressed at the default threshold), rendered by Debian's
// chromium. Run after `npm run build`: node bench/report-screenshot.mjs
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { writeReportSpans } from './report-spans.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'optel-report-shot-'));
try {
  const { path } = writeReportSpans(join(work, 'spans.jsonl'), { spans: 40_000, installs: 300 });
  const page = join(work, 'report.html');
  const run = spawnSync(process.execPath, [join(root, 'dist', 'cli', 'main.js'), 'report', path, '--out', page], { stdio: 'inherit' });
  if (run.status !== 0) throw new Error('optel report failed');
  const context = await chromium.launchPersistentContext(join(work, 'profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 860, height: 1500 },
    offline: true,
  });
  const tab = await context.newPage();
  await tab.goto(pathToFileURL(page).href);
  mkdirSync(join(root, 'docs'), { recursive: true });
  // The top of the page: the tiles, commands, durations and the failure rates by version.
  await tab.screenshot({ path: join(root, 'docs', 'report.png'), clip: { x: 0, y: 0, width: 860, height: 1500 } });
  await context.close();
  console.log('wrote docs/report.png');
} finally {
  rmSync(work, { recursive: true, force: true });
}
