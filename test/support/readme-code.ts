import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './child.js';

/**
 * The code block that follows `<!-- readme-test: NAME -->` in README.md, as
 * written there, so a test can run exactly what a reader copies.
 */
export function readmeCode(name: string): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const marker = `<!-- readme-test: ${name} -->`;
  const at = readme.indexOf(marker);
  if (at < 0) throw new Error(`README.md has no ${marker}`);
  const block = /```[a-z]*\n([\s\S]*?)\n```/.exec(readme.slice(at + marker.length));
  if (!block?.[1]) throw new Error(`no code block after ${marker} in README.md`);
  return `${block[1]}\n`;
}
