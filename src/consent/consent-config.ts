import type { Settings } from '../config/settings.js';
import { NO_APP_NAME } from '../config/settings.js';
import type { TelemetryOptions } from '../config/options.js';
import { versionString } from '../files/json-file.js';
import type { UserFiles } from '../files/user-files.js';
import { projectFileName } from '../files/user-files.js';
import type { ConsentConfig } from './consent.js';
import { takeDisableFlag } from './flags.js';
import { DEFAULT_CONSENT_VERSION } from './resolve.js';
import { isTelemetrySubcommandRun } from './subcommand-run.js';

/** What `Consent` is told about an app, from its options. Takes `--disable-telemetry` out of `options.argv`. */
export function consentConfig(options: Partial<TelemetryOptions>, settings: Settings, files: UserFiles): ConsentConfig {
  const consent = options.consent ?? {};
  const name = settings.app.name;
  return {
    mode: consent.default === 'opt-in' ? 'opt-in' : 'opt-out',
    envPrefix: settings.prefix,
    env: settings.env,
    codeEnabled: name === NO_APP_NAME ? false : typeof consent.enabled === 'boolean' ? consent.enabled : undefined,
    codeEnabledFixed: name === NO_APP_NAME,
    flagDisabled: Array.isArray(options.argv) ? takeDisableFlag(options.argv) : false,
    ciPolicy: consent.ci === 'on' ? 'on' : 'off',
    version: versionString(consent.version) ?? DEFAULT_CONSENT_VERSION,
    files,
    // (Worked out when a project file is first looked for: never with telemetry off by env.)
    get projectFileName() {
      return projectFileName(name);
    },
    userId: settings.identity.userId,
    subcommandRun: Array.isArray(options.argv) && isTelemetrySubcommandRun(options.argv),
    notice: {
      appName: name,
      envPrefix: settings.prefix,
      keys: Object.entries(settings.catalogue).map(([key, treatment]) => ({ key, hashed: treatment === 'hash' })),
      installId: settings.identity.installId,
      flag: Array.isArray(options.argv),
      flagRemembered: settings.flagMode === 'remember',
      context: Object.values(settings.context).some(Boolean),
      ...(typeof consent.disableCommand === 'string' ? { disableCommand: consent.disableCommand } : {}),
      ...(typeof consent.docs === 'string' ? { docs: consent.docs } : {}),
      policy: settings.policy.policy,
    },
  };
}
