// `npm run demo`: starts the embedded collector (`optel receive`) on a free
// loopback port, runs the example CLI through a few commands with telemetry
// pointed at it, shows what arrived, and stops everything. Files go to a
// temporary config dir, never to your home directory. It ends by writing the
// usage report of what arrived (`optel report`) and printing where it is.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'dist', 'cli', 'main.js');
const cli = join(root, 'examples', 'cli', 'acme.mjs');
if (!existsSync(bin)) {
  console.error('dist/ is missing: run `npm run demo` (it builds first).');
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'optel-demo-'));
const jsonl = join(work, 'spans.jsonl');
const bold = (text) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[1m${text}\x1b[0m` : text);
const dim = (text) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[2m${text}\x1b[0m` : text);

const receiver = spawn(process.execPath, [bin, 'receive', '--port', '0', '--jsonl', jsonl], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  let buffered = '';
  const timer = setTimeout(() => reject(new Error('optel receive did not start within 10 s')), 10_000);
  receiver.stdout.setEncoding('utf8');
  receiver.stdout.on('data', (chunk) => {
    buffered += chunk;
    let newline;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      const match = /listening on (http:\/\/\S+)\/v1\/traces/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
      console.log(dim(`  collector │ ${line}`));
    }
  });
  receiver.on('exit', (code) => reject(new Error(`optel receive exited with ${code}`)));
});

const env = {
  ...process.env,
  XDG_CONFIG_HOME: join(work, 'config'),
  ACME_TELEMETRY_ENDPOINT: url,
};
delete env.DO_NOT_TRACK;
delete env.ACME_TELEMETRY_DISABLED;

const received = () => (existsSync(jsonl) ? readFileSync(jsonl, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line)) : []);

// The first-run notice counts as seen only on a terminal, so the first run gets
// one (a pseudo-terminal from util-linux `script`) when the machine has it.
const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
const quote = (text) => `'${text.replace(/'/g, "'\\''")}'`;

async function acme(args, { expectTelemetry = true, note = '', terminal = false } = {}) {
  const before = received().length;
  console.log(`\n${bold(`$ acme ${args.join(' ')}`)}${note ? dim(`   # ${note}`) : ''}`);
  const child = terminal
    ? spawn('script', ['-qfec', [process.execPath, cli, ...args].map(quote).join(' '), '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (chunk) => process.stdout.write(indent(chunk)));
  child.stderr.on('data', (chunk) => process.stdout.write(indent(chunk)));
  const code = await new Promise((resolve) => child.on('close', (c, signal) => resolve(signal ?? c)));
  console.log(dim(`  (exit ${code})`));
  // Wait for the invocation's completed record (or, when opted out, make sure nothing comes).
  const deadline = Date.now() + (expectTelemetry ? 5_000 : 1_000);
  while (Date.now() < deadline) {
    const fresh = received().slice(before);
    if (expectTelemetry && fresh.some((s) => s.name === 'acme' && s.attributes['optel.lifecycle'] === 'completed')) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const arrived = received().length - before;
  console.log(dim(`  → ${arrived} span${arrived === 1 ? '' : 's'} arrived at the collector`));
  return arrived;
}

const indent = (chunk) => String(chunk).replace(/\r\n/g, '\n').replace(/^(?=.)/gm, '  │ ');

let failed = false;
try {
  console.log(bold('optel demo: the example CLI (examples/cli/acme.mjs) reporting to a local collector'));
  console.log(dim(`  config dir: ${env.XDG_CONFIG_HOME}   collector: ${url}`));
  let firstRun = 0;
  if (hasScript) {
    firstRun = await acme(['greet', 'Ada'], { expectTelemetry: false, terminal: true, note: 'first run, on a terminal: the notice on stderr, and nothing is sent' });
  } else {
    // Without a terminal the notice can't be seen, so it is not shown and nothing would ever be sent.
    console.log(dim('\n  (no util-linux `script` here for a terminal, where the first-run notice counts as seen; the user says yes instead)'));
    firstRun = await acme(['telemetry', 'enable'], { expectTelemetry: false, note: "the user's own yes: no notice needed" });
  }
  await acme(['build', '--target', 'web'], { note: 'succeeds, with two steps: sent from the second run on' });
  await acme(['deploy'], { note: 'fails: reported as failure with error.type, never the message' });
  const optedOutFlag = await acme(['--disable-telemetry', 'build'], { expectTelemetry: false, note: 'opted out by flag: nothing is sent' });
  env.DO_NOT_TRACK = '1';
  const optedOutEnv = await acme(['greet', 'Grace'], { expectTelemetry: false, note: 'DO_NOT_TRACK=1: nothing is sent' });
  delete env.DO_NOT_TRACK;
  const saidNo = await acme(['telemetry', 'disable'], { expectTelemetry: false, note: 'the user says no, once, for good: this run sends nothing either' });
  const statusRun = await acme(['telemetry', 'status'], { expectTelemetry: false });
  const optedOutFile = await acme(['greet', 'Linus'], { expectTelemetry: false, note: 'still nothing' });

  const spans = received();
  console.log(`\n${bold('What arrived')} ${dim(`(${spans.length} spans, also in ${jsonl})`)}`);
  const rows = spans
    .filter((s) => s.attributes['optel.lifecycle'] === 'completed')
    .map((s) => ({
      command: s.name,
      outcome: s.attributes['optel.outcome'],
      'exit code': s.attributes['process.exit.code'] ?? '',
      'error.type': s.attributes['error.type'] ?? '',
      'duration ms': Math.round((Number(BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano)) / 1e6) * 10) / 10,
      attributes: Object.entries(s.attributes)
        .filter(([k]) => !k.startsWith('optel.') && k !== 'process.exit.code' && k !== 'error.type')
        .map(([k, v]) => `${k}=${v}`)
        .join(' '),
    }));
  console.table(rows);
  const resource = spans[0]?.resource ?? {};
  console.log(`${bold('Context sent with every span')}: ${Object.entries(resource).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  if (firstRun + optedOutFlag + optedOutEnv + saidNo + statusRun + optedOutFile !== 0) {
    console.error('Unexpected: spans arrived from the first run or an opted-out run.');
    failed = true;
  }
  if (rows.length === 0) {
    console.error('Unexpected: nothing arrived.');
    failed = true;
  }

  // The usage page an author would open. The demo is one install, and a
  // published report hides every figure behind fewer than 5 installs, so
  // this one is written with --min-installs 1: for your eyes only.
  const reportDir = mkdtempSync(join(tmpdir(), 'optel-demo-report-'));
  const reportFile = join(reportDir, 'report.html');
  console.log(`\n${bold('$ optel report spans.jsonl --min-installs 1 --out report.html')}${dim('   # one install here: shown unsuppressed, not for publishing')}`);
  const report = await new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'report', jsonl, '--min-installs', '1', '--out', reportFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk) => process.stdout.write(indent(chunk)));
    child.stderr.on('data', (chunk) => process.stdout.write(indent(chunk)));
    child.on('close', (code) => resolve(code));
  });
  if (report === 0 && existsSync(reportFile)) {
    console.log(`${bold('The usage report')}: ${pathToFileURL(reportFile).href}  ${dim('(one file; open it in a browser, it needs no network)')}`);
  } else {
    console.error(`Unexpected: optel report exited with ${report}.`);
    failed = true;
  }
} catch (error) {
  console.error(`demo failed: ${error.message}`);
  failed = true;
} finally {
  receiver.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
