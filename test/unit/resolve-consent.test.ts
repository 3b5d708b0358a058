import { describe, expect, it } from 'vitest';
import type { ConsentInputs } from '../../src/consent/resolve.js';
import { noticeDecider, resolveConsent } from '../../src/consent/resolve.js';

const FILE = '/home/someone/.config/demo/telemetry.json';

const PROJECT = '/work/repo/.demo-telemetry.json';

/** Inputs of an install that already saw the first-run notice, outside CI, with no project file. */
function inputs(overrides: Partial<ConsentInputs> = {}): ConsentInputs {
  return {
    mode: 'opt-out',
    envPrefix: 'DEMO',
    env: {},
    codeEnabled: undefined,
    flagDisabled: false,
    userFilePath: FILE,
    userFile: { kind: 'absent' },
    noticeShownVersion: () => '1',
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

  for (const value of ['0', 'false', 'no', 'off', 'No', ' OFF ', '', '  ']) {
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

describe('resolveConsent: DEMO_TELEMETRY_DISABLED fails closed', () => {
  for (const value of ['y', 'disabled', 'nope', '2', 'true!']) {
    it(`DEMO_TELEMETRY_DISABLED=${JSON.stringify(value)} turns telemetry off, and the source says the value is not one optel knows`, () => {
      const status = resolveConsent(inputs({ env: { DEMO_TELEMETRY_DISABLED: value } }));
      expect(status.enabled).toBe(false);
      expect(status.decidedBy).toBe(`env DEMO_TELEMETRY_DISABLED=${value} (not a value optel knows (1/true/yes/on to turn off, 0/false/no/off to leave on); counted as no)`);
    });
  }

  it('a known value is not flagged', () => {
    const status = resolveConsent(inputs({ env: { DEMO_TELEMETRY_DISABLED: 'yes' } }));
    expect(status.enabled).toBe(false);
    expect(status.decidedBy).toBe('env DEMO_TELEMETRY_DISABLED=yes');
  });
});

describe('resolveConsent: CI', () => {
  it("in CI, the default consent.ci ('off') is a no that names the vendor", () => {
    const status = resolveConsent(inputs({ ci: () => ({ detected: true, vendor: 'GitHub Actions' }), userFile: { kind: 'answer', enabled: true } }));
    expect(status).toMatchObject({ enabled: false, ci: { detected: true, vendor: 'GitHub Actions', policy: 'off' } });
    expect(status.decidedBy).toContain('CI (GitHub Actions)');
  });

  it("with consent.ci: 'on', CI says nothing: the usual sources decide, and no notice is due", () => {
    const onCi = inputs({ ci: () => ({ detected: true }), ciPolicy: 'on', noticeShownVersion: () => undefined });
    expect(resolveConsent(onCi)).toMatchObject({ enabled: true, notice: 'not-needed' });
    expect(resolveConsent({ ...onCi, env: { DO_NOT_TRACK: '1' } }).enabled).toBe(false);
    expect(resolveConsent({ ...onCi, mode: 'opt-in' }).enabled).toBe(false);
  });

  it('CI is not even checked (nor its detection loaded) when another source says no or opt-in has no yes', () => {
    let checked = 0;
    const ci = (): { detected: boolean } => {
      checked++;
      return { detected: true };
    };
    const noElsewhere = resolveConsent(inputs({ ci, env: { DO_NOT_TRACK: '1' } }));
    expect(noElsewhere.ci).toEqual({ policy: 'off' });
    expect(noElsewhere.sources.find((s) => s.source.startsWith('CI'))?.source).toBe('CI: not checked');
    resolveConsent(inputs({ ci, mode: 'opt-in' }));
    resolveConsent(inputs({ ci, userFile: { kind: 'unreadable', reason: 'EACCES' } }));
    expect(checked).toBe(0);
    resolveConsent(inputs({ ci }));
    expect(checked).toBe(1);
  });

  it('outside CI, the CI source has no opinion whatever the policy', () => {
    expect(resolveConsent(inputs({ ciPolicy: 'off' })).enabled).toBe(true);
  });
});

describe('resolveConsent: project files', () => {
  it('a project file saying no wins over the user and the app saying yes, and is named', () => {
    const status = resolveConsent(
      inputs({ codeEnabled: true, userFile: { kind: 'answer', enabled: true }, projectFiles: [{ path: PROJECT, verdict: { kind: 'answer', enabled: false } }] }),
    );
    expect(status.enabled).toBe(false);
    expect(status.decidedBy).toBe(`project file ${PROJECT}`);
  });

  it('a nested project file saying yes does not undo an outer one saying no', () => {
    const status = resolveConsent(
      inputs({
        projectFiles: [
          { path: '/work/repo/packages/app/.demo-telemetry.json', verdict: { kind: 'answer', enabled: true } },
          { path: PROJECT, verdict: { kind: 'answer', enabled: false } },
        ],
      }),
    );
    expect(status.enabled).toBe(false);
    expect(status.decidedBy).toContain(PROJECT);
  });

  it('a corrupt project file counts as no; one without "enabled" has no opinion', () => {
    expect(resolveConsent(inputs({ projectFiles: [{ path: PROJECT, verdict: { kind: 'unreadable', reason: 'not valid JSON' } }] })).decidedBy).toMatch(/unreadable.*counted as no/);
    expect(resolveConsent(inputs({ projectFiles: [{ path: PROJECT, verdict: { kind: 'no-answer', projectId: 'x' } }] })).enabled).toBe(true);
  });

  it('a project file saying yes is never a yes for the user: opt-in stays off, opt-out still shows the notice', () => {
    const optIn = inputs({ mode: 'opt-in', projectFiles: [{ path: PROJECT, verdict: { kind: 'answer', enabled: true } }] });
    expect(resolveConsent(optIn)).toMatchObject({ enabled: false, notice: 'not-needed' });
    expect(resolveConsent(optIn).decidedBy).toContain('opt-in');
    const optOut = inputs({ mode: 'opt-out', projectFiles: [{ path: PROJECT, verdict: { kind: 'answer', enabled: true } }], noticeShownVersion: () => undefined });
    expect(resolveConsent(optOut)).toMatchObject({ enabled: false, notice: 'this-run' });
    const source = resolveConsent(optIn).sources.find((s) => s.source.includes(PROJECT));
    expect(source).toMatchObject({ value: undefined });
    expect(source?.source).toContain('not counted');
  });

  it('with no project file, the source says which file it looked for', () => {
    const source = resolveConsent(inputs({ projectFileName: '.demo-telemetry.json' })).sources.find((s) => s.source.startsWith('project file'));
    expect(source).toMatchObject({ source: 'project file .demo-telemetry.json', value: undefined });
  });
});

describe('resolveConsent: the first-run notice', () => {
  const fresh = (overrides: Partial<ConsentInputs> = {}): ConsentInputs => inputs({ noticeShownVersion: () => undefined, ...overrides });

  it('opt-out, nobody said anything, never shown: this run shows it and sends nothing', () => {
    const status = resolveConsent(fresh());
    expect(status).toMatchObject({ enabled: false, notice: 'this-run', version: '1' });
    expect(status.decidedBy).toBe(noticeDecider('1'));
  });

  it('shown before for this version: on, decided by the default', () => {
    const status = resolveConsent(inputs());
    expect(status).toMatchObject({ enabled: true, notice: 'seen' });
    expect(status.decidedBy).toMatch(/default/);
  });

  it('shown for an older version: shown again when the app bumps consent.version', () => {
    expect(resolveConsent(inputs({ version: '2' }))).toMatchObject({ enabled: false, notice: 'this-run', version: '2' });
  });

  it("the user's own yes for this version (set(true), ask) skips it; a yes for an older version does not", () => {
    expect(resolveConsent(fresh({ userFile: { kind: 'answer', enabled: true, version: '1' } }))).toMatchObject({ enabled: true, notice: 'not-needed' });
    expect(resolveConsent(fresh({ userFile: { kind: 'answer', enabled: true } }))).toMatchObject({ enabled: true, notice: 'not-needed' });
    expect(resolveConsent(fresh({ version: '2', userFile: { kind: 'answer', enabled: true, version: '1' } }))).toMatchObject({ enabled: false, notice: 'this-run' });
  });

  it("the app's consent.enabled: true and an unstored set(true) in this process count as the user's yes", () => {
    expect(resolveConsent(fresh({ codeEnabled: true })).notice).toBe('not-needed');
    expect(resolveConsent(fresh({ sessionAnswer: { enabled: true, source: 'set(true) in this process (not stored: EROFS)' } })).notice).toBe('not-needed');
  });

  it('is never due when any source says no, in opt-in mode without a yes, or in CI', () => {
    let asked = 0;
    const noticeShownVersion = (): undefined => {
      asked++;
      return undefined;
    };
    expect(resolveConsent(fresh({ env: { DO_NOT_TRACK: '1' }, noticeShownVersion })).notice).toBe('not-needed');
    expect(resolveConsent(fresh({ mode: 'opt-in', noticeShownVersion })).notice).toBe('not-needed');
    expect(resolveConsent(fresh({ ci: () => ({ detected: true }), ciPolicy: 'on', noticeShownVersion })).notice).toBe('not-needed');
    // Not even its record is read then.
    expect(asked).toBe(0);
  });
});

describe('resolveConsent: an answer given in this process that could not be stored', () => {
  it('a "no" holds even though the user file still says yes', () => {
    const status = resolveConsent(inputs({ userFile: { kind: 'answer', enabled: true }, sessionAnswer: { enabled: false, source: 'set(false) in this process (not stored: EACCES)' } }));
    expect(status.enabled).toBe(false);
    expect(status.decidedBy).toMatch(/set\(false\) in this process \(not stored: EACCES\)/);
  });

  it('a "yes" cannot override another source\'s "no"', () => {
    const status = resolveConsent(inputs({ env: { DO_NOT_TRACK: '1' }, sessionAnswer: { enabled: true, source: 'set(true) in this process (not stored: EACCES)' } }));
    expect(status.enabled).toBe(false);
    expect(status.decidedBy).toContain('DO_NOT_TRACK');
  });
});

describe('resolveConsent: combinations', () => {
  const project = (enabled: boolean): Partial<ConsentInputs> => ({ projectFiles: [{ path: PROJECT, verdict: { kind: 'answer', enabled } }] });
  const user = (enabled: boolean): Partial<ConsentInputs> => ({ userFile: { kind: 'answer', enabled } });
  const cases: { readonly name: string; readonly input: Partial<ConsentInputs>; readonly enabled: boolean; readonly decidedBy: string }[] = [
    { name: 'opt-in, project yes, user no', input: { mode: 'opt-in', ...project(true), ...user(false) }, enabled: false, decidedBy: FILE },
    { name: 'opt-in, project no, user yes', input: { mode: 'opt-in', ...project(false), ...user(true) }, enabled: false, decidedBy: PROJECT },
    { name: 'opt-in, user yes', input: { mode: 'opt-in', ...user(true) }, enabled: true, decidedBy: FILE },
    { name: 'opt-out, app yes, flag', input: { codeEnabled: true, flagDisabled: true }, enabled: false, decidedBy: '--disable-telemetry' },
    { name: 'opt-out, CI on, project no', input: { ci: () => ({ detected: true }), ciPolicy: 'on', ...project(false) }, enabled: false, decidedBy: PROJECT },
    { name: 'opt-out, DO_NOT_TRACK=0, user yes', input: { env: { DO_NOT_TRACK: '0' }, ...user(true) }, enabled: true, decidedBy: FILE },
    { name: 'opt-in, CI on, project yes (notice seen)', input: { mode: 'opt-in', ci: () => ({ detected: true }), ciPolicy: 'on', ...project(true) }, enabled: false, decidedBy: 'default (opt-in: off until someone says yes)' },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.enabled ? 'on' : 'off'}, decided by ${c.decidedBy === FILE ? 'the user file' : c.decidedBy === PROJECT ? 'the project file' : c.decidedBy}`, () => {
      const status = resolveConsent(inputs(c.input));
      expect(status.enabled).toBe(c.enabled);
      expect(status.decidedBy).toContain(c.decidedBy);
    });
  }
});
