// The report page as a person sees it: rendered by headless Chromium from a
// fixture whose figures are known by construction, read back from the
// rendered DOM, and kept as a screenshot under reports/test-output/.
//
// Chromium is Debian's package (/usr/bin/chromium), which .ci/run installs;
// the browser is never downloaded. Without it, and only outside CI, the test
// is skipped with the reason printed; under CI=true it runs and fails.
import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../src/report/build-report.js';
import { renderPage } from '../src/report/page.js';
import { ROOT } from './support/child.js';
import { KNOWN_ANSWERS, knownAnswerRuns, runSpans, writeJsonl } from './support/report-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = join(ROOT, 'reports', 'test-output');
const haveChromium = existsSync(CHROMIUM);
const inCi = process.env['CI'] === 'true' || process.env['CI'] === '1';
if (!haveChromium && !inCi) {
  console.warn(`report page test skipped: ${CHROMIUM} is missing (install Debian's chromium package, as .ci/run does)`);
}

describe.skipIf(!haveChromium && !inCi)('the report page in headless Chromium', () => {
  let workDir: string;
  let browser: BrowserContext;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'optel-report-page-'));
    // A persistent context is how Playwright takes a fresh --user-data-dir.
    browser = await chromium.launchPersistentContext(join(workDir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 960, height: 1000 },
      offline: true,
    });
  });

  afterAll(async () => {
    await browser?.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it('shows the figures of a fixture with known answers, suppressed where fewer than 5 installs stand behind them', async () => {
    const spansFile = join(workDir, 'known.jsonl');
    writeJsonl(spansFile, knownAnswerRuns().flatMap(runSpans));
    const { model, sources } = await buildReport([spansFile]);
    const pageFile = join(workDir, 'report.html');
    await writeFile(pageFile, renderPage(model, sources));

    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(pageFile).href);
    const figures = new Map(
      await page.$$eval('[data-figure]', (elements) => elements.map((element) => [element.getAttribute('data-figure') ?? '', (element as unknown as { innerText: string }).innerText.trim()] as const)),
    );
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'report-known-answers.png'), fullPage: true });

    const expected = KNOWN_ANSWERS;
    expect(figures.get('installs')).toBe(expected.installs);
    expect(figures.get('runs')).toBe(expected.runs);
    expect(figures.get('killed')).toBe(expected.killed);
    expect(figures.get('failure-rate')).toBe(expected.failureRate);
    for (const [key, value] of Object.entries(expected.build)) expect(figures.get(`command:build:${key}`), key).toBe(value);
    for (const [version, rate] of Object.entries(expected.versions)) expect(figures.get(`version:build:${version}`), version).toBe(rate);
    expect(figures.get('jump:build:1.1.0')).toBe('▲');
    expect(figures.get('error:BuildError')).toBe(expected.errorTypes.BuildError);
    expect(figures.get('share:os:linux')).toBe(expected.shares.linux);
    expect(figures.get('share:runtime:nodejs 20')).toBe(expected.shares.nodejs20);
    expect(figures.get('share:ci:not CI')).toBe(expected.shares.notCi);
    for (const [name, count] of Object.entries(expected.suppressed)) {
      const figureName = name === 'errorTypes' ? 'error-types' : name === 'shareValues' ? 'share-values' : name;
      expect(figures.get(`suppressed:${figureName}`), name).toBe(count);
    }
    // Days are labels; their counts follow the rule. The per-day list is folded, so read its text content.
    const days = new Map(await page.$$eval('[data-figure^="day:"]', (elements) => elements.map((element) => [element.getAttribute('data-figure') ?? '', element.textContent ?? ''] as const)));
    for (const [day, count] of Object.entries(expected.days)) expect(days.get(`day:${day}`), day).toBe(count);

    // What a reader sees: the 4- and 3-install commands are nowhere, the charts are drawn.
    const text = await page.innerText('body');
    expect(text).not.toContain('deploy');
    expect(text).not.toContain('lint');
    expect(text).toContain('2 commands withheld: used by fewer than 5 installs, or hidden along with one that is.');
    expect(await page.locator('svg').count()).toBeGreaterThanOrEqual(5);
    const chartBox = await page.locator('svg').first().boundingBox();
    expect(chartBox?.width ?? 0).toBeGreaterThan(300);
    // Opened from disk, it asks the network for nothing.
    expect(requests.filter((url) => !url.startsWith('file:'))).toEqual([]);
    await page.close();
  });
});
