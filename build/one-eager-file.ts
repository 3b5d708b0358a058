import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { rollup } from 'rollup';

/**
 * For the ESM build, after tsup. esbuild puts every module shared between
 * `index.js` and a lazily imported part (the pipeline, the scrubber, the
 * prompt) into chunks of their own, so importing optel with telemetry off
 * loaded three files; in Node 20 each ES module file costs about 0.5 ms
 * before any of its code runs. Rollup re-bundles the output so that what
 * `index.js` always loads is inside `index.js` (one manual chunk), and the
 * lazy parts, each still a file of its own, import from it. Fails the build
 * if `index.js` would still import a file of ours.
 */
export async function oneEagerFile(dist: string): Promise<void> {
  const ours = readdirSync(dist).filter((name) => name.endsWith('.js'));
  const entry = resolve(dist, 'index.js');
  const bundle = await rollup({
    input: { index: entry },
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
      if (level === 'warn') throw new Error(`one-eager-file: ${log.message}`);
    },
  });
  let eagerModules: Set<string> | undefined;
  const { output } = await bundle.generate({
    format: 'es',
    dir: dist,
    sourcemap: true,
    entryFileNames: '[name].js',
    chunkFileNames: '[name].js',
    // Every file index.js imports statically (directly or not) goes into
    // index.js; what is only imported dynamically stays a file of its own.
    manualChunks(id, { getModuleInfo }) {
      eagerModules ??= staticallyReachable(entry, getModuleInfo);
      return eagerModules.has(id) ? 'index' : undefined;
    },
  });
  await bundle.close();

  const eager = output.find((file) => file.type === 'chunk' && file.fileName === 'index.js');
  if (eager?.type !== 'chunk') throw new Error('one-eager-file: no index.js in the output');
  if (eager.imports.some((id) => id.startsWith('.') || id.endsWith('.js'))) {
    throw new Error(`one-eager-file: index.js still imports ${eager.imports.join(', ')}`);
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

type ModuleInfoOf = (id: string) => { readonly importedIds: readonly string[] } | null;

/** `entry` and every module it imports statically, directly or through others. */
function staticallyReachable(entry: string, infoOf: ModuleInfoOf): Set<string> {
  const found = new Set<string>();
  const pending = [entry];
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    if (found.has(id)) continue;
    found.add(id);
    pending.push(...(infoOf(id)?.importedIds ?? []));
  }
  return found;
}
