import { copyFile } from 'node:fs/promises';
import { defineConfig } from 'tsup';
import { LAZY_ENTRIES, lazyEntries } from './build/lazy-entries.js';

// The library, as ES modules and as CommonJS: the entry, and each lazy part
// as a file of its own (see build/lazy-entries.ts). No code splitting: with
// it, code shared by the entry and a lazy part would become a third file,
// loaded with telemetry off.
const library = {
  entry: { index: 'src/index.ts', ...LAZY_ENTRIES },
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  splitting: false,
  // ci-info is bundled, not loaded from node_modules: the first command's
  // consent lookup then costs no module resolution (see src/consent/ci.ts).
  noExternal: ['ci-info'] as (string | RegExp)[],
} as const;

export default defineConfig([
  { ...library, format: ['esm'], dts: { entry: { index: 'src/index.ts' } }, clean: true, esbuildPlugins: [lazyEntries('.js')] },
  // (shims: `import.meta.url`, with which the entry finds pipeline.cjs, in CommonJS too.)
  {
    ...library,
    format: ['cjs'],
    dts: { entry: { index: 'src/index.ts' } },
    clean: false,
    shims: true,
    esbuildPlugins: [lazyEntries('.cjs')],
    // The bundled ci-info's license ships with it (MIT: the notice goes with every copy).
    onSuccess: () => copyFile('node_modules/ci-info/LICENSE', 'dist/ci-info.LICENSE'),
  },
  {
    // The `optel` bin (ESM only; it is run, not imported).
    entry: { 'cli/main': 'src/cli/main.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    sourcemap: true,
    clean: false,
  },
]);
