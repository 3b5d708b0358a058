import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseAnswer, promptYesNo } from '../../src/consent/prompt.js';

describe('parseAnswer: y/N, default no', () => {
  for (const yes of ['y', 'Y', 'yes', 'YES', ' y ', 'Yes\r']) {
    it(`${JSON.stringify(yes)} is yes`, () => expect(parseAnswer(yes)).toBe(true));
  }
  for (const no of ['', ' ', 'n', 'no', 'N', 'yep', 'ja', 'y y', 'true', '1']) {
    it(`${JSON.stringify(no)} is no`, () => expect(parseAnswer(no)).toBe(false));
  }
});

describe('promptYesNo', () => {
  function streams(): { input: PassThrough; output: PassThrough; written: () => string } {
    const input = new PassThrough();
    const output = new PassThrough();
    let written = '';
    output.on('data', (chunk: Buffer) => (written += chunk.toString('utf8')));
    return { input, output, written: () => written };
  }

  it('writes the question and resolves with the first line', async () => {
    const s = streams();
    const answer = promptYesNo(s, 'Allow? [y/N] ', 60_000);
    s.input.write('yes\nno\n');
    expect(await answer).toBe(true);
    expect(s.written()).toBe('Allow? [y/N] ');
  });

  it('resolves with undefined when nobody answers before the timeout, and ends the prompt line', async () => {
    const s = streams();
    expect(await promptYesNo(s, 'Allow? [y/N] ', 10)).toBeUndefined();
    expect(s.written()).toBe('Allow? [y/N] \n');
  });

  it('resolves with undefined when the input ends without a line', async () => {
    const s = streams();
    const answer = promptYesNo(s, 'Allow? [y/N] ', 60_000);
    s.input.end();
    expect(await answer).toBeUndefined();
  });
});
