import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTelemetry } from '../../src/index.js';
import { tempDir } from '../support/child.js';

/** A config dir that can never be created: a regular file stands where its parent should be. */
function unwritableConfigDir(): string {
  const file = join(tempDir(), 'not-a-dir');
  writeFileSync(file, 'x');
  return join(file, 'demo');
}

describe('answers that cannot be stored', () => {
  it('set(false) reports the failure and still turns telemetry off for this process, naming why', () => {
    const telemetry = createTelemetry({ app: { name: 'demo' }, endpoint: 'https://telemetry.invalid', configDir: unwritableConfigDir(), env: {}, consent: { enabled: true } });
    expect(telemetry.consent.isEnabled()).toBe(true);
    const result = telemetry.consent.set(false);
    expect(result).toMatchObject({ ok: false, scope: 'user' });
    expect(result.error).toMatch(/ENOTDIR/);
    expect(telemetry.consent.isEnabled()).toBe(false);
    expect(telemetry.consent.status().decidedBy).toMatch(/set\(false\) in this process \(not stored: .*ENOTDIR/);
  });

  it('set(true) holds for this process as an informed yes, but never over another "no"', () => {
    const yes = createTelemetry({ app: { name: 'demo' }, endpoint: 'https://telemetry.invalid', configDir: unwritableConfigDir(), env: {}, consent: { default: 'opt-in' } });
    expect(yes.consent.set(true).ok).toBe(false);
    expect(yes.consent.status()).toMatchObject({ enabled: true, notice: 'not-needed' });

    const blocked = createTelemetry({ app: { name: 'demo' }, endpoint: 'https://telemetry.invalid', configDir: unwritableConfigDir(), env: { DO_NOT_TRACK: '1' } });
    expect(blocked.consent.set(true).ok).toBe(false);
    expect(blocked.consent.status().decidedBy).toContain('DO_NOT_TRACK');
  });

  it('an unknown scope is refused without throwing', () => {
    const telemetry = createTelemetry({ app: { name: 'demo' }, endpoint: 'https://telemetry.invalid', configDir: tempDir(), env: {} });
    expect(telemetry.consent.set(false, { scope: 'team' as 'user' })).toMatchObject({ ok: false, scope: 'team' });
  });
});

describe('status() in process', () => {
  it('lists the files it would use and the volunteered user id', () => {
    const dir = tempDir();
    const telemetry = createTelemetry({ app: { name: 'demo' }, endpoint: 'https://telemetry.invalid', configDir: dir, env: { DEMO_TELEMETRY_USER_ID: 'ada' } });
    const status = telemetry.consent.status();
    expect(status.userId).toBe('ada');
    expect(status.files.user).toBe(join(dir, 'telemetry.json'));
    expect(status.files.project).toMatch(/\.demo-telemetry\.json$/);
  });

  it("with an app's own env, CI is read from that env (CI=false is not CI)", () => {
    const inCi = createTelemetry({ app: { name: 'demo' }, endpoint: 'https://telemetry.invalid', configDir: tempDir(), env: { CI: 'true' } });
    expect(inCi.consent.status()).toMatchObject({ enabled: false, ci: { detected: true, policy: 'off' } });
    const notCi = createTelemetry({ app: { name: 'demo' }, endpoint: 'https://telemetry.invalid', configDir: tempDir(), env: { CI: 'false', BUILD_ID: '7' } });
    expect(notCi.consent.status().ci.detected).toBe(false);
  });
});
