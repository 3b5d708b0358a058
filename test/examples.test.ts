import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collector, completed, find } from './support/collector.js';
import { cleanEnv, consentedEnv, ROOT, runNode } from './support/child.js';

const EXAMPLES = {
  commander: join(ROOT, 'examples', 'cli', 'acme.mjs'),
  yargs: join(ROOT, 'examples', 'cli-yargs', 'acme.mjs'),
};

for (const [parser, cli] of Object.entries(EXAMPLES)) {
  describe(`the example CLI on ${parser}`, () => {
    it('reports a command to the collector', async () => {
      const receiver = await collector();
      try {
        const result = await runNode([cli, 'greet', 'Ada'], { env: consentedEnv({ ACME_TELEMETRY_ENDPOINT: receiver.url }, 'acme') });
        expect(result.code).toBe(0);
        expect(result.stdout).toBe('Hello, Ada!\n');
        const spans = await receiver.waitFor(completed('acme'));
        expect(find(spans, 'greet', 'completed')[0]?.attributes).toMatchObject({ 'cli.command': 'greet', 'optel.outcome': 'success' });
      } finally {
        await receiver.close();
      }
    });

    it('serves `telemetry status --json` through telemetry.cli()', async () => {
      const result = await runNode([cli, 'telemetry', 'status', '--json'], { env: cleanEnv({ DO_NOT_TRACK: '1' }) });
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ enabled: false, decidedBy: 'env DO_NOT_TRACK=1' });
    });

    it('rejects a bad telemetry subcommand with exit code 2 and a message', async () => {
      const result = await runNode([cli, 'telemetry', 'bogus'], { env: cleanEnv({ DO_NOT_TRACK: '1' }) });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('unknown telemetry command "bogus"');
    });

    it('sends nothing with --disable-telemetry, and the parser never sees the flag', async () => {
      const receiver = await collector();
      try {
        const result = await runNode([cli, '--disable-telemetry', 'greet', 'Ada'], { env: cleanEnv({ ACME_TELEMETRY_ENDPOINT: receiver.url }) });
        expect(result.code).toBe(0);
        expect(result.stdout).toBe('Hello, Ada!\n');
        expect(result.stderr).toBe('');
        expect(receiver.requests).toHaveLength(0);
      } finally {
        await receiver.close();
      }
    });
  });
}
