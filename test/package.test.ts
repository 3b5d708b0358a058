/**
 * The package as users get it: `npm pack` the repository, install the
 * tarball into a fresh project (with @opentelemetry/api as the peer), and use
 * it from ESM and CommonJS apps and through the `optel` bin, against a real
 * loopback receiver. Also checks what the tarball ships.
 */
import { copyFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver } from '../src/receiver/server.js';
import type { Receiver } from '../src/receiver/server.js';
import { FIXTURES, ROOT, cleanEnv, consentedEnv, runNode, startNode, tempDir } from './support/child.js';
import type { CommandResult } from './support/command.js';
import { describeResult, runCommand } from './support/command.js';
import { npmEnv, runNpm } from './support/npm.js';
import { completedRecords, hasStartedAndCompleted, startedRecords } from './support/records.js';

/** Bound for npm commands; they need the registry for the dependencies. */
const NPM_TIMEOUT_MS = 180_000;

interface PackedFile {
  readonly path: string;
}
interface PackResult {
  readonly filename: string;
  readonly files: readonly PackedFile[];
}

/** npm with a private HOME and cache, so it writes nothing to the real home directory. */
const npm = (args: readonly string[], cwd: string): Promise<CommandResult> => runNpm(args, cwd, { timeoutMs: NPM_TIMEOUT_MS });

function parsePack(stdout: string): PackResult {
  const parsed = JSON.parse(stdout) as PackResult[];
  const [first] = parsed;
  if (!first) throw new Error(`npm pack printed no package: ${stdout}`);
  return first;
}

const packDir = tempDir('optel-pack-');
const project = tempDir('optel-consumer-');

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist', 'index.js'))) await npm(['run', 'build'], ROOT);
  // (--ignore-scripts: the build above is what is packed; prepack would rebuild dist/ under the other test files.)
  const packed = parsePack((await npm(['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], ROOT)).stdout);
  const tarball = join(packDir, packed.filename);
  writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'optel-consumer', version: '1.0.0', private: true }, null, 2)}\n`);
  copyFileSync(join(FIXTURES, 'consumer.mjs'), join(project, 'consumer.mjs'));
  copyFileSync(join(FIXTURES, 'consumer.cjs'), join(project, 'consumer.cjs'));
  await npm(['install', tarball, '@opentelemetry/api@1.9', '--no-audit', '--no-fund', '--prefer-offline'], project);
}, 2 * NPM_TIMEOUT_MS + 60_000);

afterAll(() => {
  rmSync(packDir, { recursive: true, force: true });
  rmSync(project, { recursive: true, force: true });
});

const receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});
async function receiver(): Promise<Receiver> {
  const r = await startReceiver({ port: 0 });
  receivers.push(r);
  return r;
}

describe('the tarball', () => {
  it('ships the built ESM, CommonJS, type declarations and the bin, and none of the sources, tests or examples', async () => {
    const files = parsePack((await npm(['pack', '--dry-run', '--json', '--ignore-scripts'], ROOT)).stdout).files.map((f) => f.path);
    for (const expected of ['package.json', 'dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts', 'dist/cli/main.js']) {
      expect(files, expected).toContain(expected);
    }
    const unwanted = files.filter((path) => /^(src|test|examples|bench|scripts|\.ci|node_modules|coverage)\//.test(path) || path.endsWith('.tgz'));
    expect(unwanted).toEqual([]);
  });

  it('installs in a fresh project, where `optel` resolves to the installed copy, not this repository', () => {
    const resolve = createRequire(join(project, 'consumer.cjs')).resolve;
    expect(resolve('optel').startsWith(join(project, 'node_modules', 'optel'))).toBe(true);
  });
});

describe('using the installed package', () => {
  const apps = [
    { file: 'consumer.mjs', kind: 'an ESM app (import)', service: 'consumer-esm' },
    { file: 'consumer.cjs', kind: 'a CommonJS app (require)', service: 'consumer-cjs' },
  ];

  for (const app of apps) {
    it(`${app.kind} sends the started and completed records with its service name`, async () => {
      const collector = await receiver();
      const result = await runNode([app.file], { cwd: project, env: consentedEnv({ CONSUMER_ENDPOINT: collector.url }, app.service) });
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual({ value: 42, flag: '--disable-telemetry', enabled: true });

      const spans = await collector.waitFor(hasStartedAndCompleted('build'));
      const [started] = startedRecords(spans, 'build');
      const [completed] = completedRecords(spans, 'build');
      expect(started?.resource['service.name']).toBe(app.service);
      expect(completed?.resource['service.name']).toBe(app.service);
      expect(completed?.resource['service.version']).toBe('2.0.0');
      expect(completed?.attributes['optel.outcome']).toBe('success');
      expect(completed?.attributes['cli.command']).toBe('build');
      expect(completed?.attributes['project.name']).toMatch(/^[0-9a-f]{16}$/);
      expect(started?.traceId).toBe(completed?.traceId);
    });
  }

  it('`npx optel receive --help` works from the project (the bin is installed)', async () => {
    const result = await runCommand('npx', ['--no', 'optel', 'receive', '--help'], { cwd: project, env: npmEnv(), timeoutMs: NPM_TIMEOUT_MS });
    expect(result.code, describeResult('npx optel receive --help', result)).toBe(0);
    expect(result.stdout).toContain('Usage: optel receive');
    expect(result.stdout).toContain('--port');
  });

  it('the installed `optel receive` shows what an installed app sends', async () => {
    const bin = join(project, 'node_modules', 'optel', 'dist', 'cli', 'main.js');
    const receive = startNode([bin, 'receive', '--port', '0'], { cwd: project, env: cleanEnv() });
    try {
      await receive.waitForStdout('listening on');
      const url = /listening on (http:\/\/\S+)\/v1\/traces/.exec(receive.stdout())?.[1];
      expect(url).toBeDefined();
      const result = await runNode(['consumer.mjs'], { cwd: project, env: consentedEnv({ CONSUMER_ENDPOINT: url ?? '' }, 'consumer-esm') });
      expect(result.code, result.stderr).toBe(0);
      await receive.waitForStdout('completed');
      expect(receive.stdout()).toMatch(/build\s+started/);
      expect(receive.stdout()).toMatch(/build\s+completed\s+success/);
    } finally {
      receive.child.kill('SIGTERM');
      await receive.done;
    }
  });
});
