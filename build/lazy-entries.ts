import { resolve } from 'node:path';
import type { Plugin } from 'esbuild';

/**
 * The parts of optel that load only when needed, each built as a file of its
 * own next to the entry: the pipeline (with consent, after the first command
 * has started), the scrubber (an app's own SDK), the consent prompt and the
 * `telemetry` subcommand. With telemetry off an app loads one file of
 * optel, the entry, and no code of these.
 */
export const LAZY_ENTRIES = {
  pipeline: 'src/pipeline/pipeline.ts',
  'scrub-span': 'src/privacy/scrub-span.ts',
  prompt: 'src/consent/prompt.ts',
  'telemetry-command': 'src/transparency/telemetry-command.ts',
} as const;

/**
 * Leaves a dynamic `import()` of a lazy part as an import of that part's
 * built file (`./pipeline.js`, or `./pipeline.cjs` in the CommonJS build),
 * instead of bundling its code into the file that imports it.
 */
export function lazyEntries(extension: '.js' | '.cjs'): Plugin {
  const byPath = new Map(Object.entries(LAZY_ENTRIES).map(([name, source]) => [resolve(source), name]));
  return {
    name: 'lazy-entries',
    setup(build) {
      build.onResolve({ filter: /^\.\.?\//, namespace: 'file' }, (args) => {
        if (args.kind !== 'dynamic-import') return undefined;
        const name = byPath.get(resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts')));
        return name === undefined ? undefined : { path: `./${name}${extension}`, external: true };
      });
    },
  };
}
