/**
 * Whether a run is in CI: from the process's own environment through
 * ci-info (which names the vendor), and from an environment an app passes
 * in through the vendor-neutral variables.
 */
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { detectCi } from '../../src/consent/ci.js';

describe("CI in an app's own environment", () => {
  for (const name of ['CI', 'BUILD_ID', 'BUILD_NUMBER', 'CI_APP_ID', 'CI_BUILD_ID', 'CI_BUILD_NUMBER', 'CI_NAME', 'CONTINUOUS_INTEGRATION', 'RUN_ID']) {
    it(`${name} marks CI`, () => {
      expect(detectCi({ [name]: '1' })).toStrictEqual({ detected: true });
    });
  }

  it('an empty variable, or none, is not CI; CI=false is not CI whatever else is set', () => {
    expect(detectCi({ BUILD_ID: '' })).toStrictEqual({ detected: false });
    expect(detectCi({})).toStrictEqual({ detected: false });
    expect(detectCi({ CI: 'false', BUILD_ID: '7', RUN_ID: '8' })).toStrictEqual({ detected: false });
  });
});

describe("CI in the process's own environment (ci-info)", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  /** detectCi from fresh copies of the module and of ci-info, which reads the environment once, when loaded. */
  async function freshDetectCi(): Promise<typeof detectCi> {
    const require = createRequire(import.meta.url);
    delete require.cache[require.resolve('ci-info')];
    vi.resetModules();
    const module = await import('../../src/consent/ci.js');
    return module.detectCi;
  }

  it('names the vendor', async () => {
    vi.stubEnv('CI', 'true');
    vi.stubEnv('GITHUB_ACTIONS', 'true');
    const detect = await freshDetectCi();
    expect(detect(process.env)).toStrictEqual({ detected: true, vendor: 'GitHub Actions' });
  });

  it('CI=false is not CI, even on a CI service', async () => {
    vi.stubEnv('CI', 'false');
    vi.stubEnv('GITHUB_ACTIONS', 'true');
    const detect = await freshDetectCi();
    expect(detect(process.env)).toStrictEqual({ detected: false });
  });
});
