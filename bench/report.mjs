// `optel report` over generated spans: the wall time and peak memory of the
// real bin on 1 million spans, next to a baseline that only reads and
// JSON.parses the same file, and the bin's peak memory on a quarter of the
// spans (bounded memory means the two stay close).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeReportSpans } from './report-spans.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, '..', 'dist', 'cli', 'main.js');

/** Runs `node <args>` with the peak-memory preload; returns wall ms and peak RSS in MB. */
async function measure(args, work) {
  const rssFile = join(work, `rss-${Math.random().toString(36).slice(2)}`);
  const started = process.hrtime.bigint();
  await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', join(here, 'max-rss.cjs'), ...args], {
      env: { PATH: process.env.PATH, BENCH_RSS_FILE: rssFile },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const hang = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(hang);
      if (code === 0) resolve();
      else reject(new Error(`node ${args.join(' ')} exited with ${code}`));
    });
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { ms, rssMb: Number(readFileSync(rssFile, 'utf8')) / 1024 };
}

export async function reportCost({ runs = 3, spans = 1_000_000 } = {}) {
  const work = mkdtempSync(join(tmpdir(), 'optel-bench-report-'));
  try {
    const full = writeReportSpans(join(work, 'spans.jsonl'), { spans });
    const quarter = writeReportSpans(join(work, 'quarter.jsonl'), { spans: Math.round(spans / 4) });
    const out = join(work, 'report.html');
    const report = [];
    const baseline = [];
    // Alternating order, as the other rows do.
    for (let i = 0; i < runs; i++) {
      const pair = [
        async () => report.push(await measure([bin, 'report', full.path, '--out', out], work)),
        async () => baseline.push(await measure([join(here, 'parse-lines.mjs'), full.path], work)),
      ];
      if (i % 2 === 1) pair.reverse();
      for (const step of pair) await step();
    }
    const quarterRun = await measure([bin, 'report', quarter.path, '--out', out], work);
    const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
    return {
      spans: full.spans,
      reportMs: median(report.map((r) => r.ms)),
      reportRssMb: Math.max(...report.map((r) => r.rssMb)),
      baselineMs: median(baseline.map((r) => r.ms)),
      baselineRssMb: Math.max(...baseline.map((r) => r.rssMb)),
      quarterSpans: quarter.spans,
      quarterRssMb: quarterRun.rssMb,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
