/**
 * The boundaries DESIGN.md draws, read from the sources' imports so the
 * drawing and the code can't drift apart: no import cycles; nothing on an
 * app's telemetry path reaches the `optel` bin's tools; `privacy/` stays
 * pure; the lazy parts load only lazily; and no OpenTelemetry module is
 * loaded by optel's own code (type imports only).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { LAZY_ENTRIES } from '../build/lazy-entries.js';
import { ROOT } from './support/child.js';

interface Import {
  readonly from: string;
  /** A file of ours (relative to src/, `.ts`), or a package or builtin as written. */
  readonly to: string;
  readonly typeOnly: boolean;
  readonly dynamic: boolean;
}

const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

function importsOf(file: string): Import[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const from = relative(SRC, file);
  const target = (specifier: string): string =>
    specifier.startsWith('.') ? relative(SRC, resolve(dirname(file), specifier)).replace(/\.js$/, '.ts') : specifier;
  const found: Import[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      let typeOnly = false;
      if (ts.isImportDeclaration(node)) {
        const clause = node.importClause;
        const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
        typeOnly = clause !== undefined && (clause.isTypeOnly || (clause.name === undefined && named !== undefined && named.length > 0 && named.every((element) => element.isTypeOnly)));
      } else {
        typeOnly = node.isTypeOnly;
      }
      found.push({ from, to: target(node.moduleSpecifier.text), typeOnly, dynamic: false });
    }
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument && ts.isStringLiteral(argument)) found.push({ from, to: target(argument.text), typeOnly: false, dynamic: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const imports = sourceFiles(SRC).flatMap(importsOf);
const runtime = imports.filter((i) => !i.typeOnly);
const ours = (i: Import): boolean => i.to.endsWith('.ts');

/** Files reachable from `start` through runtime imports (static only, or dynamic too). */
function reachable(start: string, withDynamic: boolean): Set<string> {
  const seen = new Set<string>();
  const pending = [start];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const i of runtime) if (i.from === file && ours(i) && (withDynamic || !i.dynamic)) pending.push(i.to);
  }
  return seen;
}

describe('the import boundaries', () => {
  it('has no import cycles, type imports included (a cycle of types is still two files that can only be read together)', () => {
    expect(imports.filter(ours).length).toBeGreaterThan(100);
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const walk = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const i of imports) if (i.from === file && ours(i) && !i.dynamic) walk(i.to, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of new Set(imports.map((i) => i.from))) walk(file, []);
    expect(cycles).toEqual([]);
  });

  it("keeps receiver/, report/ and cli/ (the bin's tools) off an app's telemetry path, lazy parts included", () => {
    const path = [...reachable('index.ts', true)];
    expect(path.filter((file) => /^(receiver|report|cli)\//.test(file))).toEqual([]);
    expect(path).toContain('pipeline/pipeline.ts');
  });

  it('loads the lazy parts (pipeline, scrubber, prompt, telemetry subcommand) only through a dynamic import from the entry', () => {
    const eager = reachable('index.ts', false);
    const lazy = Object.values(LAZY_ENTRIES).map((file) => relative('src', file));
    expect(lazy.filter((file) => eager.has(file))).toEqual([]);
    // (So the bench row "telemetry off" pays for none of them.)
    expect(eager.has('telemetry.ts')).toBe(true);
  });

  it('keeps privacy/ pure: no file, network, process or clock access, and nothing of files/ or the pipeline', () => {
    const impure = runtime.filter(
      (i) => i.from.startsWith('privacy/') && (/^node:(fs|net|http|https|child_process|os|dgram|tls)/.test(i.to) || /^(files|pipeline|builtins)/.test(i.to)),
    );
    expect(impure).toEqual([]);
    // (Code only: comments may name what the rules look for, `process.env.TOKEN` say.)
    const withoutComments = (text: string): string => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    const sources = sourceFiles(join(SRC, 'privacy')).map((file) => withoutComments(readFileSync(file, 'utf8')));
    expect(sources.filter((text) => /\b(Date\.now|performance\.now|process\.getBuiltinModule|process\.env)\b/.test(text))).toEqual([]);
  });

  it('imports OpenTelemetry packages for their types only, and of those only the API: optel records and encodes its own spans', () => {
    expect(runtime.filter((i) => i.to.startsWith('@opentelemetry/'))).toEqual([]);
    // (The SDK's shapes optel reads are declared in sdk/sdk-types.ts: the SDK packages are an app's own.)
    expect(imports.filter((i) => i.to.startsWith('@opentelemetry/') && i.to !== '@opentelemetry/api')).toEqual([]);
  });

  it('lets consent/ decide and store, knowing nothing about spans or the pipeline', () => {
    expect(imports.filter((i) => i.from.startsWith('consent/') && /^(lifecycle|pipeline|sdk)\/|^@opentelemetry\//.test(i.to))).toEqual([]);
  });
});
