// `npm run bench`: each figure next to its baseline, measured in the same run,
// as medians over repeated child processes. It reports; it asserts nothing.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOOPBACK_CERT, startCollector, startCountingCollector, startFaultyCollector, startLatencyProxy, startTlsCollector } from './collectors.mjs';
import { reportCost } from './report.mjs';
import { scrubberCost } from './scrubber.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
// Start-up runs are short and the noise between processes is of the order of the figure itself.
const START_RUNS = Number(process.env.BENCH_START_RUNS ?? 101);
const FAULT_RUNS = Number(process.env.BENCH_FAULT_RUNS ?? 3);
// The peers outside OpenTelemetry wait out their own retries and timeouts under
// a fault: 9 s to 49 s for posthog-node, 75 s for @segment/analytics-node (its
// closeAndFlush() default). One run each, stopped at this cap, keeps the bench short.
const PEER_FAULT_RUNS = Number(process.env.BENCH_PEER_FAULT_RUNS ?? 1);
const PEER_FAULT_CAP_MS = Number(process.env.BENCH_PEER_FAULT_CAP_S ?? 12) * 1000;
// Telemetry-on start-up runs: seven apps in turn, so fewer rounds than START_RUNS.
const START_RUNS_ON = Number(process.env.BENCH_START_RUNS_ON ?? 41);
// In-process cost: processes per kind (each runs 11 timed rounds).
const IN_PROCESS_RUNS = Number(process.env.BENCH_IN_PROCESS_RUNS ?? 3);

// Asynchronous on purpose: the collectors live in this process and must keep answering.
async function timeApp(app, env, runs) {
  const [median] = await timeApps([{ app, env }], runs);
  return median;
}

/**
 * Median wall time of each app, start to exit. The apps take turns, in
 * alternating order (A B, B A, ...), so that a machine getting busier or
 * quieter during the run weighs on each the same.
 */
async function timeApps(apps, runs, { warmHomes = false } = {}) {
  const times = apps.map(() => []);
  // Warm: each app keeps one home, used once before the timed runs, as on any run after the first
  // (the install id exists). Otherwise every run is a first run after a yes, in a fresh home.
  const homes = warmHomes ? apps.map(() => benchHome()) : undefined;
  if (homes) for (const [index, { app, env }] of apps.entries()) await timeOnce(app, env, homes[index]);
  for (let i = 0; i < runs; i++) {
    const order = apps.map((_, index) => index);
    if (i % 2 === 1) order.reverse();
    for (const index of order) times[index].push(await timeOnce(apps[index].app, apps[index].env, homes?.[index]));
  }
  return times.map(median);
}

/** A home for a user who already said yes (what `telemetry enable` stores), so runs send instead of showing the first-run notice. */
function benchHome() {
  const home = mkdtempSync(join(tmpdir(), 'optel-bench-'));
  mkdirSync(join(home, '.config', 'bench'), { recursive: true });
  writeFileSync(join(home, '.config', 'bench', 'telemetry.json'), '{ "enabled": true, "version": "1" }\n');
  return home;
}

async function timeOnce(app, env, home = benchHome()) {
  return (await runOnce(app, env, home, 60_000)).ms;
}

/** Wall time of one run of an app, start to exit; `cutOff` when the bench killed it at `capMs`. */
async function runOnce(app, env, home, capMs) {
  const started = process.hrtime.bigint();
  let cutOff = false;
  await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, 'apps', app)], {
      env: { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), ...env },
      stdio: 'ignore',
    });
    const hang = setTimeout(() => {
      cutOff = true;
      child.kill('SIGKILL');
    }, capMs);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(hang);
      resolve();
    });
  });
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, cutOff };
}

/** Runs a bench app that measures itself, with a stored yes (or `answer`); returns its JSON. */
async function measureIn(app, env, nodeArgs = [], answer = true) {
  const home = mkdtempSync(join(tmpdir(), 'optel-bench-'));
  mkdirSync(join(home, '.config', 'bench'), { recursive: true });
  writeFileSync(join(home, '.config', 'bench', 'telemetry.json'), `{ "enabled": ${answer}, "version": "1" }\n`);
  return new Promise((resolve, reject) => {
    let out = '';
    const child = spawn(process.execPath, [...nodeArgs, join(here, 'apps', app)], {
      env: { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const hang = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(hang);
      try {
        resolve(JSON.parse(out));
      } catch {
        reject(new Error(`${app} printed no result: ${out}`));
      }
    });
  });
}

/** Median wall time of `runs` runs, each stopped at `capMs`: a number, or "> N (cut off)" when the median run was stopped. */
async function timeCapped(app, env, runs, capMs) {
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await runOnce(app, env, benchHome(), capMs));
  // A stopped run ranks above every run that ended by itself.
  const middle = median(results.map((result) => (result.cutOff ? Infinity : result.ms)));
  return Number.isFinite(middle) ? round(middle) : `> ${capMs} (cut off)`;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const rows = [];
const row = (what, value, baselineName, baseline, target) => {
  rows.push({ what, optel_ms: round(value), baseline: baselineName, baseline_ms: round(baseline), ratio: round(value / baseline, 2), target });
};
const round = (n, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

// 1. Start cost with telemetry off.
const [bare, off] = await timeApps(
  [
    { app: 'bare.mjs', env: {} },
    { app: 'optel.mjs', env: { DO_NOT_TRACK: '1' } },
  ],
  START_RUNS,
);
rows.push({ what: 'import + init + one command, telemetry off', optel_ms: round(off), baseline: 'same app without optel', baseline_ms: round(bare), ratio: round(off / bare, 2), extra_ms: round(off - bare), target: '<= 5 ms extra' });
// The same in a CLI that already imports a package (commander): Node's first
// package import costs (resolving "exports", the ES module loader) are then
// the CLI's own, and what remains is optel's.
const [cliBare, cliOff] = await timeApps(
  [
    { app: 'cli-bare.mjs', env: {} },
    { app: 'cli-optel.mjs', env: { DO_NOT_TRACK: '1' } },
  ],
  START_RUNS,
);
rows.push({ what: 'the same in a commander CLI, telemetry off', optel_ms: round(cliOff), baseline: 'same CLI without optel', baseline_ms: round(cliBare), ratio: round(cliOff / cliBare, 2), extra_ms: round(cliOff - cliBare), target: '(context for the first row)' });
// And from a CommonJS app, which gets the package's CommonJS build.
const [cjsBare, cjsOff] = await timeApps(
  [
    { app: 'bare.cjs', env: {} },
    { app: 'optel.cjs', env: { DO_NOT_TRACK: '1' } },
  ],
  START_RUNS,
);
rows.push({ what: 'the same from a CommonJS app, telemetry off', optel_ms: round(cjsOff), baseline: 'same CommonJS app without optel', baseline_ms: round(cjsBare), ratio: round(cjsOff / cjsBare, 2), extra_ms: round(cjsOff - cjsBare), target: '<= 5 ms extra' });

// 2. Telemetry on: start + one do-nothing command + flush to a live loopback
// collector, against the same app without optel, the floor (the same app
// sending one OTLP/JSON POST with node:http, nothing else), the stock SDK and
// two peers outside OpenTelemetry, each sending its one event as its docs
// advise for a short-lived process (posthog-node, @segment/analytics-node);
// on any run after the first (warm homes: the install id exists), the normal
// case, and on the first run after a yes.
const live = await startCollector();
const liveEnv = { BENCH_ENDPOINT: live.url };
const [optelLive, bareLive, floorLive, stockLive, offLive, posthogLive, segmentLive] = await timeApps(
  [
    { app: 'optel.mjs', env: liveEnv },
    { app: 'bare.mjs', env: liveEnv },
    { app: 'floor.mjs', env: liveEnv },
    { app: 'stock.mjs', env: liveEnv },
    { app: 'optel.mjs', env: { ...liveEnv, DO_NOT_TRACK: '1' } },
    { app: 'posthog.mjs', env: liveEnv },
    { app: 'segment.mjs', env: liveEnv },
  ],
  START_RUNS_ON,
  { warmHomes: true },
);
// The first run after a yes, in a fresh home each time: it creates the install id.
const [optelFirstRun, bareFirstRun] = await timeApps(
  [
    { app: 'optel.mjs', env: liveEnv },
    { app: 'bare.mjs', env: liveEnv },
  ],
  Math.ceil(START_RUNS_ON / 2),
);
row('do-nothing command, telemetry on, live collector', optelLive, 'same app without optel', bareLive, '<= 1.3x');
row('the same', optelLive, 'the floor: one node:http POST', floorLive, '<= 1.15x');
row('the floor itself', floorLive, 'same app without optel', bareLive, '(context: what one request costs)');
// What no in-process sender can beat: optel's own start-up (telemetry off) plus the floor's
// request, with no consent lookup, scrubbing, hashing, ids or journal at all.
row(
  "optel's start-up (telemetry off) + the floor's request",
  offLive + (floorLive - bareLive),
  'the floor: one node:http POST',
  floorLive,
  '(context: the least telemetry on could cost in process)',
);
row('the same', optelLive, 'sdk-trace-base + stock OTLP exporter', stockLive, '(context)');
row('the same', optelLive, 'posthog-node', posthogLive, '(context)');
row('the same', optelLive, '@segment/analytics-node', segmentLive, '(context)');
row('the same on the first run after a yes (creates the install id)', optelFirstRun, 'same app without optel', bareFirstRun, '(context)');

// 3. Does the app wait? Process start to the first line of main, telemetry on minus off.
// (Context: off by the user's stored "no", which consent finds by the same
// lookups as a yes, where DO_NOT_TRACK settles it without any.)
const firstLine = { on: [], off: [], stored: [] };
const firstLineRuns = { on: [liveEnv, true], off: [{ DO_NOT_TRACK: '1' }, true], stored: [liveEnv, false] };
for (let i = 0; i < START_RUNS_ON; i++) {
  const order = i % 2 === 0 ? ['on', 'off', 'stored'] : ['stored', 'off', 'on'];
  for (const mode of order) {
    const [env, answer] = firstLineRuns[mode];
    const { firstLineMs } = await measureIn('first-line.mjs', env, [], answer);
    firstLine[mode].push(firstLineMs);
  }
}
rows.push({
  what: "process start to the app's first line, telemetry on",
  optel_ms: round(median(firstLine.on), 2),
  baseline: 'the same, telemetry off',
  baseline_ms: round(median(firstLine.off), 2),
  extra_ms: round(median(firstLine.on) - median(firstLine.off), 2),
  target: '<= 3 ms extra',
});
rows.push({
  what: "the same, telemetry on",
  optel_ms: round(median(firstLine.on), 2),
  baseline: 'telemetry off by a stored "no" (consent looked up)',
  baseline_ms: round(median(firstLine.stored), 2),
  extra_ms: round(median(firstLine.on) - median(firstLine.stored), 2),
  target: '(context: what is not consent)',
});

// 4. A command that works for one second: what optel adds to a real command.
const [optelSecond, bareSecond] = await timeApps(
  [
    { app: 'second.mjs', env: liveEnv },
    { app: 'second-bare.mjs', env: liveEnv },
  ],
  RUNS,
);
await live.close();
row('a 1 s command, telemetry on, live collector', optelSecond, 'the same without optel', bareSecond, '<= 1.02x');

// 4b. The same with a collector as most are: behind HTTPS, and away (a proxy holds every chunk
// 25 ms each way, so a 50 ms round trip). What the app waits at exit is the completed record's
// request: on the connection the started record opened, one round trip, no new handshake.
const far = await startTlsCollector();
const farProxy = await startLatencyProxy(far.port, 25);
const farEnv = { BENCH_ENDPOINT: farProxy.url, BENCH_WORK_MS: '300', NODE_EXTRA_CA_CERTS: LOOPBACK_CERT };
const [optelFar, bareFar] = await timeApps(
  [
    { app: 'second.mjs', env: farEnv },
    { app: 'second-bare.mjs', env: farEnv },
  ],
  RUNS,
);
await farProxy.close();
await far.close();
rows.push({
  what: 'a 300 ms command, HTTPS collector 50 ms round trip away',
  optel_ms: round(optelFar),
  baseline: 'the same without optel',
  baseline_ms: round(bareFar),
  ratio: round(optelFar / bareFar, 2),
  extra_ms: round(optelFar - bareFar),
  target: '(context: about one round trip at exit)',
});

// 5. Exit time with a misbehaving collector (the whole process, start to exit).
for (const fault of ['refused', 'black-hole', '503', 'slow', 'garbage']) {
  const faulty = await startFaultyCollector(fault);
  const optelFault = await timeApp('optel.mjs', { BENCH_ENDPOINT: faulty.url }, FAULT_RUNS);
  const stockFault = await timeApp('stock.mjs', { BENCH_ENDPOINT: faulty.url }, FAULT_RUNS);
  const posthogFault = await timeCapped('posthog.mjs', { BENCH_ENDPOINT: faulty.url }, PEER_FAULT_RUNS, PEER_FAULT_CAP_MS);
  const segmentFault = await timeCapped('segment.mjs', { BENCH_ENDPOINT: faulty.url }, PEER_FAULT_RUNS, PEER_FAULT_CAP_MS);
  await faulty.close();
  rows.push({
    what: `process lifetime, collector ${fault}`,
    optel_ms: round(optelFault),
    baseline: 'sdk-trace-base + stock OTLP exporter',
    baseline_ms: round(stockFault),
    ratio: round(optelFault / stockFault, 2),
    // The exit delay: how much longer than the same run against a healthy collector (both in fresh homes).
    extra_ms: round(optelFault - optelFirstRun),
    target: 'extra over a healthy collector <= 500 ms deadline + 100 ms',
    posthog_ms: posthogFault,
    segment_ms: segmentFault,
  });
}

// 6. The privacy processor, in process: a 1 MB adversarial value (as span name,
// clear and hash attribute, exception message and stack), the worst of several
// shapes; and a typical command span. Baseline: the same spans, bare processor.
const scrubber = await scrubberCost({ runs: RUNS });
rows.push({
  what: `1 MB adversarial value through the privacy processor (worst shape: ${scrubber.worst.shape})`,
  optel_ms: round(scrubber.worst.privacy, 2),
  baseline: 'same span, bare processor',
  baseline_ms: round(scrubber.worst.bare, 3),
  extra_ms: round(scrubber.worst.privacy - scrubber.worst.bare, 2),
  target: '<= 50 ms',
});
rows.push({
  what: 'typical command span through the privacy processor, per span',
  optel_ms: round(scrubber.typical.privacy / 1000, 4),
  baseline: 'same span, bare processor',
  baseline_ms: round(scrubber.typical.bare / 1000, 4),
  ratio: round(scrubber.typical.privacy / scrubber.typical.bare, 2),
  target: '<= 2x',
});

// 7. In-process cost of one command (started + completed records, privacy
// processor, export queue) against a bare OpenTelemetry span, with a live
// collector receiving in the background.
// Each kind in a process of its own, the processes taking turns; medians of the processes' medians.
const inProcessCollector = await startCollector();
const perCommandNs = { optel: [], bare: [] };
for (let i = 0; i < IN_PROCESS_RUNS; i++) {
  for (const kind of i % 2 === 0 ? ['optel', 'bare'] : ['bare', 'optel']) {
    const { nsPerCommand } = await measureIn('commands.mjs', { BENCH_ENDPOINT: inProcessCollector.url, BENCH_KIND: kind });
    perCommandNs[kind].push(nsPerCommand);
  }
}
await inProcessCollector.close();
const optelNsPerCommand = median(perCommandNs.optel);
const bareNsPerSpan = median(perCommandNs.bare);
rows.push({
  what: 'one command in process (µs), with privacy processor',
  optel_ms: round(optelNsPerCommand / 1000, 2),
  baseline: 'bare OTel span, in a process without optel (µs)',
  baseline_ms: round(bareNsPerSpan / 1000, 2),
  ratio: round(optelNsPerCommand / bareNsPerSpan, 2),
  commands_per_s: Math.round(1e9 / optelNsPerCommand),
  target: '<= 2x; >= 50k commands/s',
});

// 7a. The same with the event loop turning every 256 commands, as in an app doing I/O between
// commands: optel's queue sends and its journal is written. Baseline: the bare span through the
// stock BatchSpanProcessor and OTLP/HTTP JSON exporter. What reached the collector is counted,
// since a queue that overflows drops (cheaply).
const sendingNs = { optel: [], stock: [] };
const sendingShare = { optel: [], stock: [] };
for (let i = 0; i < IN_PROCESS_RUNS; i++) {
  for (const kind of i % 2 === 0 ? ['optel', 'stock'] : ['stock', 'optel']) {
    const counting = await startCountingCollector();
    const result = await measureIn('commands.mjs', { BENCH_ENDPOINT: counting.url, BENCH_KIND: kind, BENCH_YIELD_EVERY: '256' });
    await counting.close();
    sendingNs[kind].push(result.nsPerCommand);
    sendingShare[kind].push(counting.spans() / result.records);
  }
}
rows.push({
  what: 'one command in process (µs), event loop turning every 256 commands: sent, journal written',
  optel_ms: round(median(sendingNs.optel) / 1000, 2),
  baseline: 'the bare span through the stock batch processor + OTLP/HTTP exporter (µs)',
  baseline_ms: round(median(sendingNs.stock) / 1000, 2),
  ratio: round(median(sendingNs.optel) / median(sendingNs.stock), 2),
  delivered: `optel ${Math.round(median(sendingShare.optel) * 100)}%, stock ${Math.round(median(sendingShare.stock) * 100)}%`,
  target: '(context: what reached the collector differs)',
});

// 7b. What telemetry on costs the app's own code: one await, on against off, processes taking turns.
const awaitCollector = await startCollector();
const nsPerAwait = { on: [], off: [] };
for (let i = 0; i < IN_PROCESS_RUNS; i++) {
  for (const mode of i % 2 === 0 ? ['on', 'off'] : ['off', 'on']) {
    const env = { BENCH_ENDPOINT: awaitCollector.url, ...(mode === 'off' ? { DO_NOT_TRACK: '1' } : {}) };
    nsPerAwait[mode].push((await measureIn('awaits.mjs', env)).nsPerAwait);
  }
}
await awaitCollector.close();
rows.push({
  what: `one await in the app's own code, telemetry on (ns; ${process.version})`,
  optel_ms: round(median(nsPerAwait.on)),
  baseline: 'the same, telemetry off (ns)',
  baseline_ms: round(median(nsPerAwait.off)),
  ratio: round(median(nsPerAwait.on) / median(nsPerAwait.off), 2),
  extra_ms: round(median(nsPerAwait.on) - median(nsPerAwait.off)),
  target: "(context: AsyncLocalStorage's promise hooks on Node 20 and 22)",
});

// 8. 100k commands with the collector down: memory stays bounded.
const down = await startFaultyCollector('refused');
const flood = await measureIn('flood.mjs', { BENCH_ENDPOINT: down.url }, ['--expose-gc']);
await down.close();
rows.push({
  what: `${flood.commands / 1000}k commands, collector down: heap / RSS growth (MB)`,
  optel_ms: round(flood.heapGrowthMb),
  baseline: 'RSS growth (MB)',
  baseline_ms: round(flood.rssGrowthMb),
  dropped: flood.stats?.dropped,
  target: '<= 50 MB growth; queue capped, drops counted',
});

// 9. `optel report` over 1 million generated spans: time and peak memory,
// against reading and JSON.parse-ing the same file; peak memory again on a
// quarter of the spans.
const report = await reportCost({ runs: Math.min(RUNS, 3) });
rows.push({
  what: `optel report, ${report.spans / 1e6}M spans (ms; peak RSS ${round(report.reportRssMb)} MB, ${round(report.quarterRssMb)} MB at ${report.quarterSpans / 1000}k)`,
  optel_ms: round(report.reportMs),
  baseline: `read + JSON.parse each line (peak RSS ${round(report.baselineRssMb)} MB)`,
  baseline_ms: round(report.baselineMs),
  ratio: round(report.reportMs / report.baselineMs, 2),
  target: '<= 10 s, bounded memory',
});

const machine = { node: process.version, cpus: `${cpus().length} x ${cpus()[0]?.model ?? 'unknown'}`, memory_gb: round(totalmem() / 2 ** 30), start_runs: START_RUNS, start_runs_on: START_RUNS_ON, runs: RUNS, fault_runs: FAULT_RUNS, peer_fault_runs: PEER_FAULT_RUNS, peer_fault_cap_ms: PEER_FAULT_CAP_MS };
console.log(`optel bench (${machine.node}, ${machine.cpus}; medians of ${START_RUNS} runs for start-up with telemetry off, ${START_RUNS_ON} with it on, ${RUNS} for the rest, ${FAULT_RUNS} for faults (the peers outside OpenTelemetry: ${PEER_FAULT_RUNS}, stopped at ${PEER_FAULT_CAP_MS / 1000} s); apps compared take turns, in alternating order)`);
console.table(rows);
writeFileSync(join(here, 'results.json'), `${JSON.stringify({ date: new Date().toISOString(), machine, rows }, null, 2)}\n`);
console.log('written to bench/results.json');
