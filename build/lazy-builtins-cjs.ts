import { builtinModules } from 'node:module';
import type { Options } from 'tsup';

type TsupPlugin = NonNullable<Options['plugins']>[number];

const BUILTINS = new Set(builtinModules);
/**
 * A namespace import of a builtin, as esbuild writes it. (With code
 * splitting, tsup turns its ES module output into CommonJS after the user's
 * plugins have run, so this plugin still sees `import` statements.)
 */
const NAMESPACE_IMPORT = /^import \* as ([\w$]+) from "(?:node:)?([a-z_/]+)";$/gm;

/**
 * For the CommonJS build only, the counterpart of the ESM build's lazy
 * namespace imports (build/builtins-without-facades.ts): a builtin the source
 * imports as a namespace (`import * as os from 'node:os'`) is required at its
 * first property access, not when optel is required. Loading `os` and
 * `module` costs ~0.25 ms, and the telemetry-off path never touches them.
 * Each rewrite stays on its line, so source maps hold.
 */
export function lazyBuiltinsCjs(): TsupPlugin {
  return {
    name: 'lazy-builtins-cjs',
    renderChunk(code, chunk) {
      if (this.format !== 'cjs') return undefined;
      const rewritten = code.replace(NAMESPACE_IMPORT, (whole, binding: string, id: string) => {
        if (!BUILTINS.has(id)) return whole;
        return `const ${binding} = new Proxy({}, { get: (_, key) => require(${JSON.stringify(`node:${id}`)})[key] });`;
      });
      return rewritten === code ? undefined : { code: rewritten, map: chunk.map ?? null };
    },
  };
}
