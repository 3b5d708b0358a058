import { defineConfig } from 'tsup';
import { builtinsWithoutFacades } from './build/builtins-without-facades.js';
import { lazyBuiltinsCjs } from './build/lazy-builtins-cjs.js';
import { oneEagerFile } from './build/one-eager-file.js';

// The library: ESM and CommonJS, each with its own type declarations. The
// OpenTelemetry pipeline is reached through a dynamic import, so with
// telemetry off none of the SDK modules are ever loaded.
const library = {
  entry: { index: 'src/index.ts' },
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  splitting: true,
} as const;

export default defineConfig([
  { ...library, format: ['esm'], dts: true, clean: true, plugins: [builtinsWithoutFacades()], onSuccess: () => oneEagerFile('dist') },
  { ...library, format: ['cjs'], dts: true, clean: false, plugins: [lazyBuiltinsCjs()] },
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
