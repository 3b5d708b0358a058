import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, ROOT, runNode } from './support/child.js';
import { HAS_TERMINAL, NO_TERMINAL, runNodeOnTerminal } from './support/terminal.js';

const ACME = join(ROOT, 'examples', 'cli', 'acme.mjs');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The README's section under `heading`, up to the next heading of the same or a higher level. */
function section(heading: string): string {
  const start = README.indexOf(`${heading}\n`);
  if (start < 0) throw new Error(`README has no "${heading}"`);
  const level = /^#+/.exec(heading)?.[0] ?? '##';
  const rest = README.slice(start + heading.length);
  const end = rest.search(new RegExp(`\\n#{1,${level.length}} `));
  return end < 0 ? rest : rest.slice(0, end);
}

describe("the example CLI's README", () => {
  it('carries the current generated "what we collect" section (run `npm run docs` if this fails)', async () => {
    const result = await runNode([join(ROOT, 'examples', 'cli', 'acme.mjs'), 'telemetry', 'describe'], { env: cleanEnv({ DO_NOT_TRACK: '1' }) });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('| `project.name` | keyed hash |');
    const readme = readFileSync(join(ROOT, 'examples', 'cli', 'README.md'), 'utf8');
    expect(readme).toContain(result.stdout.trim());
  });

  it('answers all six questions: why, how long, who sees it, published, contact, deletion', async () => {
    const readme = readFileSync(join(ROOT, 'examples', 'cli', 'README.md'), 'utf8');
    for (const label of ['Why it is collected', 'How long it is kept', 'Who can see it', 'Whether it is published', 'Contact', 'Deleting your data']) {
      expect(readme).toMatch(new RegExp(`^- \\*\\*${label}:\\*\\* \\S`, 'm'));
    }
    expect(readme).not.toContain('not stated by the app');
  });
});

describe("the README tells what the example CLI does", () => {
  it('its first-run notice is exactly what `acme` prints on a terminal', async (context) => {
    if (!HAS_TERMINAL) context.skip(NO_TERMINAL);
    const run = await runNodeOnTerminal([ACME, 'greet'], { env: cleanEnv() });
    expect(run.code, run.stderr).toBe(0);
    const block = /```\n(acme collects usage data[\s\S]*?\n)```/.exec(section('### Opt-out mode: the first-run notice'))?.[1];
    expect(block).toBeDefined();
    expect(run.stderr).toBe(block);
  });

  it('its telemetry subcommand table lists every command `acme telemetry --help` lists', async () => {
    const help = await runNode([ACME, 'telemetry', '--help'], { env: cleanEnv({ DO_NOT_TRACK: '1' }) });
    expect(help.code).toBe(0);
    const commands = [...help.stdout.matchAll(/^ {2}(\w+)/gm)].map((m) => m[1] ?? '').filter((c) => c !== 'help');
    expect(commands).toEqual(['status', 'enable', 'disable', 'reset', 'describe']);
    const table = section('### The `telemetry` subcommand');
    for (const command of commands) expect(table).toMatch(new RegExp(`^\\| \`${command}[ \`]`, 'm'));
  });
});
