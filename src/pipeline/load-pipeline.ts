import type * as PipelineModule from './pipeline.js';

/** The built pipeline's CommonJS file, next to the package's entry files (see tsup.config.ts). */
const BUILT_PIPELINE = './pipeline.cjs';

/**
 * The pipeline module, loaded synchronously from its CommonJS build, from
 * the ES module build too: the same call serves a process that exits
 * (`process.exit()` in the first command, say) before the pipeline has
 * loaded, whose records must still be scrubbed and kept for the next run;
 * and CommonJS loads faster than an ES module in Node 20 (no module
 * linking, builtins without facades), about 5 ms for this file (bench).
 * Run from the TypeScript sources, or from a bundle without the file, this
 * throws, and the caller falls back to a dynamic import.
 */
export function requirePipeline(): typeof PipelineModule {
  const { createRequire } = process.getBuiltinModule('node:module');
  return createRequire(import.meta.url)(BUILT_PIPELINE) as typeof PipelineModule;
}

/**
 * The pipeline module, loaded after the app's code has started: on the
 * turn of the event loop after the first command began (`setImmediate`),
 * never before the app's first line.
 */
export function loadPipelineSoon(): Promise<typeof PipelineModule> {
  return new Promise((resolve, reject) => {
    setImmediate(() => {
      try {
        resolve(requirePipeline());
      } catch {
        import('./pipeline.js').then(resolve, reject);
      }
    });
  });
}
