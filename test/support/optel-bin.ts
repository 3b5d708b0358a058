/**
 * Builds the `optel` bin from source into a temporary directory, so a test
 * of the bin depends neither on `npm run build` having run nor on dist/.
 */
import { join } from 'node:path';
import { build } from 'tsup';
import { ROOT } from './child.js';

export async function buildOptelBin(outDir: string): Promise<string> {
  await build({
    entry: { main: join(ROOT, 'src', 'cli', 'main.ts') },
    // Tests run in an empty working directory; resolve from the repository.
    esbuildOptions(options) {
      options.absWorkingDir = ROOT;
    },
    // .mjs: the temp dir has no package.json saying "type": "module".
    outExtension: () => ({ js: '.mjs' }),
    outDir,
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    config: false,
    silent: true,
    dts: false,
    sourcemap: false,
    clean: false,
  });
  return join(outDir, 'main.mjs');
}
