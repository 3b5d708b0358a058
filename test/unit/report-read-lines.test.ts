import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { forEachLine } from '../../src/report/read-lines.js';

async function linesOf(text: string): Promise<string[]> {
  const file = join(mkdtempSync(join(tmpdir(), 'optel-lines-')), 'input.jsonl');
  writeFileSync(file, text);
  const lines: string[] = [];
  await forEachLine(file, (line) => lines.push(line));
  return lines;
}

describe('reading report input line by line', () => {
  it('splits on LF and CRLF, and keeps a last line without a newline', async () => {
    expect(await linesOf('a\r\nb\nc')).toEqual(['a', 'b', 'c']);
  });

  it('keeps lines whole across chunk boundaries, multi-byte characters included', async () => {
    const long = `{"v":"${'é'.repeat(70_000)}"}`;
    expect(await linesOf(`${long}\nshort\n${long}\n`)).toEqual([long, 'short', long]);
  });
});
