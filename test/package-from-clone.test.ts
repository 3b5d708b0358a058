/**
 * The package as a fresh clone makes it: `git clone` this repository, pack it
 * without building first (prepack builds), and check the tarball. Then the
 * README's ten-minute path, run as written from that tarball in a new
 * project (ES module, CommonJS, yargs), against a real loopback receiver.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver } from '../src/receiver/server.js';
import type { Receiver } from '../src/receiver/server.js';
import { ROOT, consentedEnv, runNode, tempDir } from './support/child.js';
import { runNpm } from './support/npm.js';
import { readmeCode } from './support/readme-code.js';
import { completedRecords, hasStartedAndCompleted } from './support/records.js';

/** Bound for npm commands (packing builds; installing needs the registry for the dependencies). */
const NPM_TIMEOUT_MS = 180_000;
const npm = (args: readonly string[], cwd: string) => runNpm(args, cwd, { timeoutMs: NPM_TIMEOUT_MS });

const clone = join(tempDir('optel-clone-'), 'optel');
const packDir = tempDir('optel-clone-pack-');
const project = tempDir('optel-readme-');
let packedFiles: string[] = [];
let distBeforePack = true;

beforeAll(async () => {
  execFileSync('git', ['clone', '--quiet', '--no-hardlinks', ROOT, clone], { stdio: 'ignore', timeout: 60_000 });
  distBeforePack = existsSync(join(clone, 'dist'));
  // The clone's build needs the dev dependencies; this checkout's are the lockfile's.
  symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');
  const { stdout } = await npm(['pack', '--json', '--pack-destination', packDir], clone);
  // (The build's own output comes first; npm's JSON is the last thing printed.)
  const json = stdout.slice(stdout.search(/^\[$(?![\s\S]*^\[$)/m));
  const [packed] = JSON.parse(json) as { filename: string; files: { path: string }[] }[];
  if (!packed) throw new Error('npm pack printed no package');
  packedFiles = packed.files.map((f) => f.path);
  writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'readme-reader', version: '1.0.0', private: true }, null, 2)}\n`);
  await npm(['install', join(packDir, packed.filename), '@opentelemetry/api@1.9', 'commander@14', 'yargs@18', '--prefer-offline'], project);
}, 3 * NPM_TIMEOUT_MS + 60_000);

afterAll(() => {
  for (const dir of [clone, packDir, project]) rmSync(dir, { recursive: true, force: true });
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

describe('a fresh clone', () => {
  it('packs a tarball with the build in it, without building first (prepack builds)', () => {
    expect(distBeforePack).toBe(false);
    for (const expected of ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts', 'dist/cli/main.js']) {
      expect(packedFiles, expected).toContain(expected);
    }
  });
});

describe("the README, as the registry's page shows it", () => {
  it('links only to headings, absolute URLs, or files the tarball ships', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const targets = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? '');
    expect(targets.length).toBeGreaterThan(10);
    const local = targets.filter((t) => !/^(https?:|#|mailto:)/.test(t));
    expect(local.filter((t) => !packedFiles.includes(t.replace(/^\.\//, '').replace(/#.*$/, '')))).toEqual([]);
  });
});

describe("the README's ten-minute path, from the tarball in a new project", () => {
  const versions = [
    { file: 'acme.mjs', kind: 'an ES module CLI (commander)' },
    { file: 'acme.cjs', kind: 'a CommonJS CLI (commander)' },
    { file: 'acme-yargs.mjs', kind: 'an ES module CLI (yargs)' },
  ];

  for (const { file, kind } of versions) {
    it(`works as written for ${kind}`, async () => {
      writeFileSync(join(project, file), readmeCode(file));
      const collector = await receiver();
      const env = consentedEnv({ ACME_TELEMETRY_ENDPOINT: collector.url }, 'acme');

      const build = await runNode([file, 'build'], { cwd: project, env });
      expect(build.code, build.stderr).toBe(0);
      expect(build.stdout).toBe('built\n');
      const spans = await collector.waitFor(hasStartedAndCompleted('build'));
      const [completed] = completedRecords(spans, 'build');
      expect(completed?.attributes).toMatchObject({ 'cli.command': 'build', 'optel.outcome': 'success' });
      expect(completed?.attributes['project.name']).toMatch(/^[0-9a-f]{16}$/);
      expect(spans.find((s) => s.name === 'compile')?.attributes['optel.outcome']).toBe('success');

      // An exit code the command sets is kept, and reported.
      const check = await runNode([file, 'check'], { cwd: project, env });
      expect(check.code, check.stderr).toBe(1);
      const checked = await collector.waitFor(hasStartedAndCompleted('check'));
      const traceId = completedRecords(checked, 'check')[0]?.traceId;
      const run = () => completedRecords(collector.spans, 'acme').find((s) => s.traceId === traceId);
      await collector.waitFor(() => run() !== undefined);
      expect(run()?.attributes).toMatchObject({ 'optel.outcome': 'failure', 'process.exit.code': 1 });

      // --disable-telemetry: the parser never sees it, nothing is sent.
      const before = collector.requests.length;
      const off = await runNode([file, '--disable-telemetry', 'build'], { cwd: project, env });
      expect(off.code, off.stderr).toBe(0);
      expect(off.stdout).toBe('built\n');
      expect(collector.requests).toHaveLength(before);
    });
  }
});
