import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, ROOT, runNode } from './support/child.js';

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
