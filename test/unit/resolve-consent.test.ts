import { describe, expect, it } from 'vitest';
import type { ConsentInputs } from '../../src/consent/resolve.js';
import { resolveConsent } from '../../src/consent/resolve.js';

const FILE = '/home/someone/.config/demo/telemetry.json';

function inputs(overrides: Partial<ConsentInputs> = {}): ConsentInputs {
  return {
    mode: 'opt-out',
    envPrefix: 'DEMO',
    env: {},
    codeEnabled: undefined,
    flagDisabled: false,
    userFilePath: FILE,
    userFile: { kind: 'absent' },
    ...overrides,
  };
}

describe('resolveConsent: defaults', () => {
  it('opt-out with no answer anywhere: on, decided by the default', () => {
    const status = resolveConsent(inputs());
    expect(status).toMatchObject({ enabled: true, mode: 'opt-out' });
    expect(status.decidedBy).toMatch(/default.*opt-out/);
  });

  it('opt-in with no answer anywhere: off, decided by the default', () => {
    const status = resolveConsent(inputs({ mode: 'opt-in' }));
    expect(status).toMatchObject({ enabled: false, mode: 'opt-in' });
    expect(status.decidedBy).toMatch(/default.*opt-in/);
  });

  it('opt-in turns on with a yes from the user file or from the app', () => {
    const fromFile = resolveConsent(inputs({ mode: 'opt-in', userFile: { kind: 'answer', enabled: true } }));
    expect(fromFile.enabled).toBe(true);
    expect(fromFile.decidedBy).toContain(FILE);
    const fromCode = resolveConsent(inputs({ mode: 'opt-in', codeEnabled: true }));
    expect(fromCode.enabled).toBe(true);
    expect(fromCode.decidedBy).toContain('consent.enabled');
  });

  it('lists every source it consulted', () => {
    const sources = resolveConsent(inputs()).sources.map((s) => s.source).join('\n');
    for (const name of ['consent.enabled', '--disable-telemetry', 'DO_NOT_TRACK', 'DEMO_TELEMETRY_DISABLED', 'OTEL_SDK_DISABLED', FILE]) {
      expect(sources).toContain(name);
    }
  });
});

describe('resolveConsent: any "no" wins', () => {
  const noes: { readonly name: string; readonly input: Partial<ConsentInputs>; readonly decidedBy: string }[] = [
    { name: 'the app (consent.enabled: false)', input: { codeEnabled: false }, decidedBy: 'consent.enabled' },
    { name: 'the --disable-telemetry flag', input: { flagDisabled: true }, decidedBy: '--disable-telemetry' },
    { name: 'DO_NOT_TRACK=1', input: { env: { DO_NOT_TRACK: '1' } }, decidedBy: 'DO_NOT_TRACK=1' },
    { name: 'DO_NOT_TRACK=true', input: { env: { DO_NOT_TRACK: 'true' } }, decidedBy: 'DO_NOT_TRACK=true' },
    { name: 'DEMO_TELEMETRY_DISABLED=1', input: { env: { DEMO_TELEMETRY_DISABLED: '1' } }, decidedBy: 'DEMO_TELEMETRY_DISABLED=1' },
    { name: 'DEMO_TELEMETRY_DISABLED=TRUE', input: { env: { DEMO_TELEMETRY_DISABLED: 'TRUE' } }, decidedBy: 'DEMO_TELEMETRY_DISABLED' },
    { name: 'OTEL_SDK_DISABLED=true', input: { env: { OTEL_SDK_DISABLED: 'true' } }, decidedBy: 'OTEL_SDK_DISABLED=true' },
    { name: 'the user file saying no', input: { userFile: { kind: 'answer', enabled: false } }, decidedBy: FILE },
    { name: 'a corrupt user file', input: { userFile: { kind: 'unreadable', reason: 'not valid JSON' } }, decidedBy: FILE },
  ];

  for (const no of noes) {
    it(`${no.name} turns telemetry off even when the app and the user file say yes`, () => {
      const base: Partial<ConsentInputs> = { codeEnabled: true, userFile: { kind: 'answer', enabled: true } };
      const status = resolveConsent(inputs({ ...base, ...no.input }));
      expect(status.enabled).toBe(false);
      expect(status.decidedBy).toContain(no.decidedBy);
    });
  }

  it('a corrupt user file is named as unreadable and counted as no', () => {
    const status = resolveConsent(inputs({ userFile: { kind: 'unreadable', reason: 'EACCES' } }));
    expect(status.enabled).toBe(false);
    expect(status.decidedBy).toMatch(/unreadable/);
    expect(status.decidedBy).toContain('EACCES');
  });

  it('when several sources say no, decidedBy names the most specific one (the app, then the flag, then env, then the file)', () => {
    const all = inputs({
      codeEnabled: false,
      flagDisabled: true,
      env: { DO_NOT_TRACK: '1', OTEL_SDK_DISABLED: 'true' },
      userFile: { kind: 'answer', enabled: false },
    });
    expect(resolveConsent(all).decidedBy).toContain('consent.enabled');
    expect(resolveConsent({ ...all, codeEnabled: undefined }).decidedBy).toContain('--disable-telemetry');
    expect(resolveConsent({ ...all, codeEnabled: undefined, flagDisabled: false }).decidedBy).toContain('DO_NOT_TRACK');
  });
});

describe('resolveConsent: values that are not a "no"', () => {
  for (const value of ['0', 'false', 'FALSE', ' 0 ', '']) {
    it(`DO_NOT_TRACK=${JSON.stringify(value)} does not turn telemetry off`, () => {
      expect(resolveConsent(inputs({ env: { DO_NOT_TRACK: value } })).enabled).toBe(true);
    });
  }

  for (const value of ['0', 'false', 'no', '']) {
    it(`DEMO_TELEMETRY_DISABLED=${JSON.stringify(value)} does not turn telemetry off`, () => {
      expect(resolveConsent(inputs({ env: { DEMO_TELEMETRY_DISABLED: value } })).enabled).toBe(true);
    });
  }

  it('OTEL_SDK_DISABLED other than "true" does not turn telemetry off', () => {
    for (const value of ['false', '1', '']) {
      expect(resolveConsent(inputs({ env: { OTEL_SDK_DISABLED: value } })).enabled, value).toBe(true);
    }
  });

  it('"not disabled" is no "yes": in opt-in mode DO_NOT_TRACK=0 keeps telemetry off', () => {
    const status = resolveConsent(inputs({ mode: 'opt-in', env: { DO_NOT_TRACK: '0', DEMO_TELEMETRY_DISABLED: 'false' } }));
    expect(status.enabled).toBe(false);
  });

  it("reads only the app's own prefix: another app's TELEMETRY_DISABLED does not count", () => {
    expect(resolveConsent(inputs({ env: { OTHER_TELEMETRY_DISABLED: '1' } })).enabled).toBe(true);
  });
});
