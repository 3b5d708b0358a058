// `npm run test:matrix`: runs the test suite on the Node versions users run
// (22 and 24 by default; `TEST_MATRIX=22,24`), with Node binaries installed
// from the npm registry's `node` package into node_modules/.cache. Node is
// deliberately not a devDependency: that would make every npm script run on it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const versions = (process.env.TEST_MATRIX ?? '22,24').split(',').map((v) => v.trim()).filter(Boolean);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const results = [];

for (const version of versions) {
  const prefix = join(root, 'node_modules', '.cache', 'optel-node', version);
  const node = join(prefix, 'node_modules', '.bin', 'node');
  if (!existsSync(node)) {
    console.log(`\n== installing node@${version} into ${prefix}`);
    const install = spawnSync(npm, ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', `node@${version}`], { stdio: 'inherit' });
    if (install.status !== 0) {
      results.push({ version, ok: false, why: 'install failed' });
      continue;
    }
  }
  const actual = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`\n== tests on node ${actual}`);
  const run = spawnSync(node, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ''}` },
  });
  results.push({ version: actual, ok: run.status === 0, why: run.status === 0 ? '' : `exit ${run.status}` });
}

console.log('\n== matrix');
for (const r of results) console.log(`node ${r.version}: ${r.ok ? 'passed' : `FAILED (${r.why})`}`);
process.exitCode = results.every((r) => r.ok) ? 0 : 1;
