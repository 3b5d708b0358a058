// DESIGN.md: nothing on an app's telemetry path imports report/. Only the
// `optel` bin (src/cli) may; the library entry never reaches it.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/child.js';

const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

describe('the report boundary', () => {
  it('is imported only by the optel bin', () => {
    const importers = sourceFiles(SRC)
      .map((file) => relative(SRC, file))
      .filter((file) => !file.startsWith('report/') && !file.startsWith('cli/'))
      .filter((file) => /from '[^']*\/report\//.test(readFileSync(join(SRC, file), 'utf8')));
    expect(importers).toEqual([]);
  });

  it('imports nothing of the library but the receiver, which is the bin\'s too', () => {
    const reaches = sourceFiles(join(SRC, 'report')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/from '\.\.\/([^/']+)\//g)].map((match) => match[1]),
    );
    expect(new Set(reaches)).toEqual(new Set(['receiver']));
  });
});
