import { builtinModules } from 'node:module';

const BUILTINS = new Set(builtinModules);
/** How rollup's CommonJS output requires a module at the top of a file. */
const TOP_REQUIRE = /^var ([\w$]+) = require\('(?:node:)?([a-z_/]+)'\);$/gm;

/**
 * For the CommonJS build, the counterpart of the ES module build's lazy
 * namespace imports (see builtins-without-facades.ts): a builtin the source
 * imports as a namespace (`import * as os from 'node:os'`, which rollup
 * wraps in `_interopNamespaceDefault`) is required at its first property
 * access, not when optel is required. Loading `os` and `module` costs
 * ~0.25 ms, and the telemetry-off path never touches them. Each rewrite stays
 * on its line, so source maps hold. Builtins only imported by name stay as
 * they are.
 */
export function lazyBuiltinsCjs(code: string): string {
  let rewritten = code;
  for (const [whole, binding, id] of code.matchAll(TOP_REQUIRE)) {
    if (id === undefined || binding === undefined || !BUILTINS.has(id)) continue;
    const wrapped = `/*#__PURE__*/_interopNamespaceDefault(${binding})`;
    if (!rewritten.includes(wrapped)) continue;
    rewritten = rewritten
      .replace(whole, `var ${binding} = new Proxy({}, { get: (_, key) => require(${JSON.stringify(`node:${id}`)})[key] });`)
      .replaceAll(wrapped, binding);
  }
  return rewritten;
}
