import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { OutputOptions, RollupBuild } from 'rollup';
import { rollup } from 'rollup';
import { builtinsWithoutFacades } from './builtins-without-facades.js';
import { lazyBuiltinsCjs } from './lazy-builtins-cjs.js';

/**
 * Run after tsup's ES module build, this writes the package's ES module and
 * CommonJS files from one rollup bundle of it.
 *
 * esbuild puts every module shared between `index.js` and a lazily imported
 * part (the pipeline, the scrubber, the prompt, the `telemetry` subcommand)
 * into chunks of their own, so an app with telemetry off loaded three files
 * of optel; each costs ~0.5 ms as an ES module in Node 20, ~0.2 ms as
 * CommonJS. Here everything `index` imports statically goes into one manual
 * chunk, the entry itself, in both formats; the lazy parts stay files of
 * their own and take what they share from it (so the entry also exports a
 * few internal bindings under short names, which no type declares). Builtin
 * imports are then rewritten per format (see builtins-without-facades.ts and
 * lazy-builtins-cjs.ts). Fails the build if an entry would still load a file
 * of ours.
 */
export async function bundleDist(dist: string): Promise<void> {
  const tsupOutput = readdirSync(dist).filter((name) => name.endsWith('.js'));
  const entry = resolve(dist, 'index.js');
  const bundle = await rollup({
    input: { index: entry },
    external: (id) => !id.startsWith('.') && !id.startsWith('/'),
    // The entry may export more than its public API: the lazy parts take shared code from it.
    preserveEntrySignatures: 'allow-extension',
    // No import of a package or builtin kept only for its side effects: a bare
    // `import 'module'` still builds that builtin's ES module facade.
    treeshake: { moduleSideEffects: 'no-external' },
    plugins: [
      {
        name: 'load-with-source-map',
        load(id) {
          return { code: readFileSync(id, 'utf8'), map: readFileSync(`${id}.map`, 'utf8') };
        },
      },
    ],
    onLog(level, log) {
      if (level === 'warn') throw new Error(`bundle-dist: ${log.message}`);
    },
  });
  // The scrubber is loaded by the pipeline and, in an app's own SDK, by the
  // privacy processor on its own: one lazy file for both, not two.
  const scrubber = tsupOutput.find((name) => name.startsWith('scrub-span-'));
  let eagerModules: Set<string> | undefined;
  let scrubberModules: Set<string> | undefined;
  const common: OutputOptions = {
    dir: dist,
    sourcemap: true,
    minifyInternalExports: true,
    // Nor such imports copied from the entry into the lazy files.
    hoistTransitiveImports: false,
    manualChunks(id, { getModuleInfo }) {
      eagerModules ??= staticallyReachable(entry, getModuleInfo);
      if (eagerModules.has(id)) return 'index';
      scrubberModules ??= scrubber === undefined ? new Set() : staticallyReachable(resolve(dist, scrubber), getModuleInfo);
      return scrubberModules.has(id) ? 'scrub-span' : undefined;
    },
  };
  const esm = await generate(bundle, { ...common, format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name].js' }, builtinsWithoutFacades);
  // (dynamicImportInCjs: false, so the lazy parts are `require`d, not imported as ES modules.)
  const cjs = await generate(
    bundle,
    { ...common, format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: '[name].cjs', dynamicImportInCjs: false },
    lazyBuiltinsCjs,
  );
  await bundle.close();

  for (const name of tsupOutput) {
    rmSync(join(dist, name));
    rmSync(join(dist, `${name}.map`), { force: true });
  }
  for (const file of [...esm, ...cjs]) {
    writeFileSync(join(dist, file.fileName), file.code);
    writeFileSync(join(dist, `${file.fileName}.map`), file.map);
  }
}

interface OutputFile {
  readonly fileName: string;
  readonly code: string;
  readonly map: string;
}

/** One format's files, each passed through `rewrite`; checks the entry loads no file of ours. */
async function generate(bundle: RollupBuild, options: OutputOptions, rewrite: (code: string) => string): Promise<OutputFile[]> {
  const { output } = await bundle.generate(options);
  const files: OutputFile[] = [];
  const ours = new Set(output.map((file) => file.fileName));
  for (const chunk of output) {
    if (chunk.type !== 'chunk') continue;
    const loaded = chunk.imports.filter((id) => ours.has(id));
    if (chunk.isEntry && loaded.length > 0) throw new Error(`bundle-dist: ${chunk.fileName} still loads ${loaded.join(', ')}`);
    // (Rollup ends the code with its sourceMappingURL comment.)
    files.push({ fileName: chunk.fileName, code: rewrite(chunk.code), map: chunk.map?.toString() ?? '' });
  }
  return files;
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
