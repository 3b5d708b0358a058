import { builtinModules } from 'node:module';

const BUILTINS = new Set(builtinModules);
/** The import forms a bundler writes for Node builtins in ES module output (either quote). */
const BUILTIN_IMPORT = /^import\s+(?:\{([^}]*)\}|\*\s+as\s+([\w$]+)|([\w$]+))\s+from\s+(["'])(?:node:)?([a-z_/]+)\4;$/gm;

/**
 * For the ES module build. `import { readFileSync } from 'node:fs'` makes Node
 * build an ES module facade for all of `fs` (and `os`, `path`, ...): ~2.5 ms
 * at start-up in all, paid by every app importing optel, telemetry on or off.
 * This rewrites each such import into a binding taken from
 * `process.getBuiltinModule` (Node >= 20.16, no facade), falling back to a
 * dynamic import on older Node 20 releases. A namespace import
 * (`import * as os from 'node:os'`) becomes an object that loads the builtin
 * at its first property access, for builtins the telemetry-off path must not
 * pay for. The bindings are put on the first line, before any other code
 * runs, so line numbers (and source maps) stay put. Returns the code
 * unchanged when it imports no builtin.
 */
export function builtinsWithoutFacades(code: string): string {
  const bindings: string[] = [];
  const rewritten = code.replace(
    BUILTIN_IMPORT,
    (whole, named: string | undefined, namespace: string | undefined, defaultName: string | undefined, _quote: string, id: string) => {
      if (!BUILTINS.has(id)) return whole;
      const specifier = JSON.stringify(`node:${id}`);
      const module = `(globalThis.process.getBuiltinModule?.(${specifier}) ?? (await import(${specifier})))`;
      if (named !== undefined) {
        const pattern = named
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean)
          .map((part) => part.replace(/^([\w$]+)\s+as\s+([\w$]+)$/, '$1: $2'))
          .join(', ');
        bindings.push(`const { ${pattern} } = ${module};`);
      } else if (namespace !== undefined) {
        const lazy = `new Proxy({}, { get: (_, key) => globalThis.process.getBuiltinModule(${specifier})[key] })`;
        bindings.push(`const ${namespace} = globalThis.process.getBuiltinModule ? ${lazy} : await import(${specifier});`);
      } else if (defaultName !== undefined) {
        bindings.push(`const ${defaultName} = globalThis.process.getBuiltinModule?.(${specifier}) ?? (await import(${specifier})).default;`);
      }
      return '';
    },
  );
  return bindings.length === 0 ? code : `${bindings.join(' ')} ${rewritten}`;
}
