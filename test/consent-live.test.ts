import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collector, completed, find } from './support/collector.js';
import { cleanEnv, consentedEnv, FIXTURES, runNode, startNode } from './support/child.js';
import { HAS_TERMINAL, NO_TERMINAL, runNodeOnTerminal } from './support/terminal.js';

const APP = join(FIXTURES, 'app.mjs');

describe("the app's setting, changed live (consent.update)", () => {
  it('a "no" drops what is queued and stops the next commands; a "yes" starts them again', async () => {
    const receiver = await collector();
    try {
      const app = startNode([APP, 'live-consent'], { env: consentedEnv({ FIXTURE_ENDPOINT: receiver.url }) });
      await app.waitForStdout('ready\n');
      await receiver.waitFor(completed('before'));
      app.child.kill('SIGUSR2');
      const result = await app.done;
      expect(result.code).toBe(0);
      expect(result.stdout).toBe('ready\nno: false\nyes: true\n');
      const spans = await receiver.waitFor(completed('after-yes'));
      expect(find(spans, 'queued')).toHaveLength(0);
      expect(find(spans, 'during-no')).toHaveLength(0);
    } finally {
      await receiver.close();
    }
  });

  it('turns telemetry on for an app that started with consent.enabled: false', async () => {
    const receiver = await collector();
    try {
      const app = startNode([APP, 'live-consent'], { env: cleanEnv({ FIXTURE_ENDPOINT: receiver.url, FIXTURE_CODE_ENABLED: 'false' }) });
      await app.waitForStdout('ready\n');
      app.child.kill('SIGUSR2');
      const result = await app.done;
      expect(result).toMatchObject({ code: 0 });
      // The app's yes is an informed yes: no first-run notice, and it sends at once.
      expect(result.stderr).toBe('');
      const spans = await receiver.waitFor(completed('after-yes'));
      expect(spans.map((s) => s.name).filter((name) => name !== 'after-yes')).toEqual([]);
    } finally {
      await receiver.close();
    }
  });
});

describe('--disable-telemetry with consent.flag', () => {
  const userFile = (env: Record<string, string>) => join(env['XDG_CONFIG_HOME'] ?? '', 'fixture', 'telemetry.json');

  it("'this-run' (default): that run only; the next run sends", async () => {
    const receiver = await collector();
    try {
      const env = consentedEnv({ FIXTURE_ENDPOINT: receiver.url });
      expect((await runNode([APP, '--disable-telemetry', 'ok'], { env })).code).toBe(0);
      expect(receiver.requests).toHaveLength(0);
      expect(JSON.parse(readFileSync(userFile(env), 'utf8'))).toMatchObject({ enabled: true });
      await runNode([APP, 'ok'], { env });
      await receiver.waitFor(completed('fixture'));
    } finally {
      await receiver.close();
    }
  });

  it("'remember': stores the user's no, so later runs stay off until they say yes", async () => {
    const receiver = await collector();
    try {
      const env = consentedEnv({ FIXTURE_ENDPOINT: receiver.url, FIXTURE_FLAG: 'remember' });
      const first = await runNode([APP, '--disable-telemetry', 'ok'], { env });
      expect(first.code).toBe(0);
      expect(first.stdout).toBe('app output\n');
      expect(first.stderr).toBe('');
      expect(JSON.parse(readFileSync(userFile(env), 'utf8'))).toMatchObject({ enabled: false });
      const later = await runNode([APP, 'ok'], { env });
      expect(later.code).toBe(0);
      const status = await runNode([APP, 'status'], { env });
      expect(JSON.parse(status.stdout)).toMatchObject({ enabled: false, decidedBy: `user file ${userFile(env)}` });
      expect(receiver.requests).toHaveLength(0);
    } finally {
      await receiver.close();
    }
  });

  // (The notice is shown only where it can be seen: on a terminal.)
  it.skipIf(!HAS_TERMINAL)(`'remember' shows in the notice: the flag is needed once${HAS_TERMINAL ? '' : ` (skipped: ${NO_TERMINAL})`}`, async () => {
    const env = cleanEnv({ FIXTURE_FLAG: 'remember' });
    const result = await runNodeOnTerminal([APP, 'ok'], { env });
    expect(result.stderr).toContain('pass --disable-telemetry once');
    expect(existsSync(userFile(env))).toBe(false);
  });
});
