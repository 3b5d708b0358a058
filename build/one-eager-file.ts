import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rollup } from 'rollup';

/** Chunks at most this big may be folded into the chunk that always loads them. */
const FOLD_BELOW_BYTES = 20_000;

/**
 * For the ESM build, after tsup. esbuild puts every module shared between
 * `index.js` and a lazily imported part (the pipeline, the scrubber, the
 * prompt) into chunks of their own, so importing optel with telemetry off
 * loaded three files; in Node 20 each ES module file costs about 0.5 ms
 * before any of its code runs. Rollup re-bundles the output so that what
 * `index.js` always loads is inside `index.js`, and the lazy parts import
 * from it. Fails the build if `index.js` would still import a file of ours.
 */
export async function oneEagerFile(dist: string): Promise<void> {
  const ours = readdirSync(dist).filter((name) => name.endsWith('.js'));
  const bundle = await rollup({
    input: { index: join(dist, 'index.js') },
    external: (id) => !id.startsWith('.') && !id.startsWith('/'),
    // index.js may export more than its public API: the lazy parts take shared code from it.
    preserveEntrySignatures: 'allow-extension',
    plugins: [
      {
        name: 'load-with-source-map',
        load(id) {
          return { code: readFileSync(id, 'utf8'), map: readFileSync(`${id}.map`, 'utf8') };
        },
      },
    ],
    onLog(level, log) {
      // (The chunk folding reports its sizes as info; only warnings matter.)
      if (level === 'warn') throw new Error(`one-eager-file: ${log.message}`);
    },
  });
  const { output } = await bundle.generate({
    format: 'es',
    dir: dist,
    sourcemap: true,
    entryFileNames: '[name].js',
    chunkFileNames: '[name].js',
    experimentalMinChunkSize: FOLD_BELOW_BYTES,
  });
  await bundle.close();

  const entry = output.find((file) => file.type === 'chunk' && file.fileName === 'index.js');
  if (entry?.type !== 'chunk') throw new Error('one-eager-file: no index.js in the output');
  if (entry.imports.some((id) => id.startsWith('.') || id.endsWith('.js'))) {
    throw new Error(`one-eager-file: index.js still imports ${entry.imports.join(', ')}`);
  }
  for (const name of ours) {
    rmSync(join(dist, name));
    rmSync(join(dist, `${name}.map`), { force: true });
  }
  for (const file of output) {
    if (file.type !== 'chunk') continue;
    // (Rollup ends the code with its sourceMappingURL comment.)
    writeFileSync(join(dist, file.fileName), file.code);
    if (file.map) writeFileSync(join(dist, `${file.fileName}.map`), file.map.toString());
  }
}
