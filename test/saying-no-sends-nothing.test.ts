/**
 * A "no" sends nothing, including the run that says it. Each way of saying
 * no runs in a real process against a live loopback collector, from an
 * install that said yes before (so the process would otherwise send), and
 * is checked two ways: the child's own record of the connections it
 * attempted (test/fixtures/net-watch.cjs), and the collector's count of
 * requests. The run that says no is repeated, because whether its
 * `started` record left first used to depend on timing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChildResult } from './support/child.js';
import { consentedEnv, ROOT, runNode } from './support/child.js';
import { APP, receiversForEachTest } from './support/fixture-app.js';
import { netWatch } from './support/net-watch.js';
import { HAS_TERMINAL, NO_TERMINAL, runNodeOnTerminal } from './support/terminal.js';

const receiver = receiversForEachTest();
const REPEATS = 5;

const EXAMPLES = {
  'the example CLI (commander)': join(ROOT, 'examples', 'cli', 'acme.mjs'),
  'the example CLI (yargs)': join(ROOT, 'examples', 'cli-yargs', 'acme.mjs'),
};

/** Runs `script args` with telemetry pointed at `endpoint`; returns the result and the connections it attempted. */
async function runWatched(script: string, args: readonly string[], env: Record<string, string>) {
  const watch = netWatch();
  const result: ChildResult = await runNode([...watch.nodeArgs, script, ...args], { env: { ...env, ...watch.env } });
  return { result, attempts: watch.attempts() };
}

function userAnswer(env: Record<string, string>, app: string): unknown {
  const file = join(env['XDG_CONFIG_HOME'] ?? '', app, 'telemetry.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { enabled?: unknown }).enabled : undefined;
}

describe('the run that says no sends nothing, not even its own started record', () => {
  for (const [name, script] of Object.entries(EXAMPLES)) {
    it(`${name}: \`acme telemetry disable\` on an install that said yes, ${REPEATS} times`, async () => {
      const collector = await receiver();
      for (let i = 0; i < REPEATS; i++) {
        const env = consentedEnv({ ACME_TELEMETRY_ENDPOINT: collector.url }, 'acme');
        const { result, attempts } = await runWatched(script, ['telemetry', 'disable'], env);
        expect(result.code, result.stderr).toBe(0);
        expect(result.stdout).toContain('Telemetry disabled for you');
        expect(userAnswer(env, 'acme')).toBe(false);
        expect(attempts).toEqual([]);
      }
      expect(collector.requests).toHaveLength(0);
    });
  }

  it('the example CLI: `acme telemetry status` and `describe` send nothing about themselves either', async () => {
    const collector = await receiver();
    const env = consentedEnv({ ACME_TELEMETRY_ENDPOINT: collector.url }, 'acme');
    for (const args of [['telemetry', 'status'], ['telemetry', 'describe'], ['telemetry', 'enable']]) {
      const { result, attempts } = await runWatched(EXAMPLES['the example CLI (commander)'], args, env);
      expect(result.code, result.stderr).toBe(0);
      expect(attempts, args.join(' ')).toEqual([]);
    }
    expect(collector.requests).toHaveLength(0);
  });

  it('the example CLI: `acme telemetry reset` deletes the ids, sends nothing, and the next run is a first run again', async (context) => {
    if (!HAS_TERMINAL) context.skip(NO_TERMINAL);
    const collector = await receiver();
    const env = consentedEnv({ ACME_TELEMETRY_ENDPOINT: collector.url }, 'acme');
    const script = EXAMPLES['the example CLI (commander)'];
    const sent = await runNode([script, 'greet'], { env });
    expect(sent.code, sent.stderr).toBe(0);
    const dir = join(env['XDG_CONFIG_HOME'] ?? '', 'acme');
    expect(existsSync(join(dir, 'telemetry-id'))).toBe(true);
    const requests = collector.requests.length;
    expect(requests).toBeGreaterThan(0);

    const { result, attempts } = await runWatched(script, ['telemetry', 'reset'], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Deleted ${join(dir, 'telemetry-id')}\n`);
    expect(result.stdout).toContain(`Deleted ${join(dir, 'telemetry.json')}\n`);
    expect(result.stderr).toBe('');
    expect(attempts).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);

    // A first run again: the notice (on a terminal), and nothing sent.
    const watch = netWatch();
    const next = await runNodeOnTerminal([...watch.nodeArgs, script, 'greet'], { env: { ...env, ...watch.env } });
    expect(next.stderr).toContain('acme collects usage data');
    expect(watch.attempts()).toEqual([]);
    expect(collector.requests).toHaveLength(requests);
  });

  const fixtureCases: { readonly name: string; readonly args: readonly string[] }[] = [
    { name: 'telemetry.cli(["disable"]) inside run(), the arguments saying `telemetry disable`', args: ['telemetry', 'disable'] },
    { name: 'telemetry.cli(["disable"]) inside run(), the arguments not showing it', args: ['cli-disable'] },
    { name: 'consent.set(false) as run() starts', args: ['run-set-false'] },
  ];
  for (const { name, args } of fixtureCases) {
    it(`${name}, ${REPEATS} times`, async () => {
      const collector = await receiver();
      for (let i = 0; i < REPEATS; i++) {
        const env = consentedEnv({ FIXTURE_ENDPOINT: collector.url });
        const { result, attempts } = await runWatched(APP, args, env);
        expect(result.code, result.stderr).toBe(0);
        expect(userAnswer(env, 'fixture')).toBe(false);
        expect(attempts).toEqual([]);
      }
      expect(collector.requests).toHaveLength(0);
    });
  }
});

describe('every other way of saying no sends nothing from the first moment', () => {
  const cases: { readonly name: string; readonly env?: Record<string, string>; readonly args?: readonly string[]; readonly answer?: boolean }[] = [
    { name: 'the flag --disable-telemetry', args: ['--disable-telemetry'] },
    { name: 'DO_NOT_TRACK=1', env: { DO_NOT_TRACK: '1' } },
    { name: 'FIXTURE_TELEMETRY_DISABLED=1', env: { FIXTURE_TELEMETRY_DISABLED: '1' } },
    { name: "the app's consent.enabled: false", env: { FIXTURE_CODE_ENABLED: 'false' } },
  ];
  for (const no of cases) {
    it(`${no.name}: the same run that would send sends nothing`, async () => {
      const collector = await receiver();
      const env = consentedEnv({ FIXTURE_ENDPOINT: collector.url, ...no.env });
      const { result, attempts } = await runWatched(APP, ['ok', ...(no.args ?? [])], env);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe('app output\n');
      expect(attempts).toEqual([]);
      expect(collector.requests).toHaveLength(0);
    });
  }

  it('a user file saying no (a previous `telemetry disable`): later runs send nothing', async () => {
    const collector = await receiver();
    const env = consentedEnv({ FIXTURE_ENDPOINT: collector.url });
    await runWatched(APP, ['set-false'], env);
    const { result, attempts } = await runWatched(APP, ['ok'], env);
    expect(result.stdout).toBe('app output\n');
    expect(attempts).toEqual([]);
    expect(collector.requests).toHaveLength(0);
  });

  it('control: the same install and run, without a "no", does send', async () => {
    const collector = await receiver();
    const env = consentedEnv({ FIXTURE_ENDPOINT: collector.url });
    const { result, attempts } = await runWatched(APP, ['ok'], env);
    expect(result.code, result.stderr).toBe(0);
    expect(attempts.length).toBeGreaterThan(0);
    expect(collector.requests.length).toBeGreaterThan(0);
  });
});
