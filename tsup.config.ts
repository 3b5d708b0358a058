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
} as const;

export default defineConfig([
  { ...library, format: ['esm'], dts: { entry: { index: 'src/index.ts' } }, clean: true, esbuildPlugins: [lazyEntries('.js')] },
  // (shims: `import.meta.url`, with which the entry finds pipeline.cjs, in CommonJS too.)
  { ...library, format: ['cjs'], dts: { entry: { index: 'src/index.ts' } }, clean: false, shims: true, esbuildPlugins: [lazyEntries('.cjs')] },
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
