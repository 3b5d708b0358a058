import { defineConfig } from 'tsup';
import { bundleDist } from './build/bundle-dist.js';

// The library. tsup (esbuild) compiles it to ES modules, then
// build/bundle-dist.ts writes the package's ES module and CommonJS files
// from one rollup bundle of that output. The OpenTelemetry pipeline is
// reached through a dynamic import, so with telemetry off none of the SDK
// modules are ever loaded.
const library = {
  entry: { index: 'src/index.ts' },
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  splitting: true,
} as const;

export default defineConfig([
  { ...library, format: ['esm'], dts: true, clean: true, onSuccess: () => bundleDist('dist') },
  // Only the CommonJS type declarations (index.d.cts); its code comes from bundleDist.
  { ...library, format: ['cjs'], dts: { only: true }, clean: false },
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
