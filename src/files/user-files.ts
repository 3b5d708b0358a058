import { nodeOs, nodePath } from '../builtins.js';
import { dirName } from '../config/app-name.js';

/**
 * The user-scope directory: `$XDG_CONFIG_HOME/<app>`, else `~/.config/<app>`,
 * on every platform. One predictable place (and one to delete) matters more
 * to CLI users than each OS's native convention; `configDir` overrides it.
 */
export function userConfigDir(
  appName: string,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const xdg = env['XDG_CONFIG_HOME'];
  const base = xdg !== undefined && xdg.startsWith('/') ? xdg : nodePath().join(nodeOs().homedir(), '.config');
  return nodePath().join(base, dirName(appName));
}

/**
 * The user-scope directory when there is none: no home directory (a uid with
 * no passwd entry and no HOME, as in some containers) and no
 * XDG_CONFIG_HOME. A path under the null device, where no file can exist or
 * be created: nothing is read or stored, so the first-run notice can't be
 * recorded and opt-out mode sends nothing, and `set()` reports why.
 */
export function unusableConfigDir(appName: string): string {
  return nodePath().join(nodeOs().devNull, dirName(appName));
}

/** The user-scope directory, or, without a home directory (`os.homedir()` throws), the unusable one (reported). */
export function userConfigDirOrNone(appName: string, env: Readonly<Record<string, string | undefined>>, report: (message: string, error: unknown) => void): string {
  try {
    return userConfigDir(appName, env);
  } catch (error) {
    report('no user config directory; nothing is stored and opt-out mode sends nothing', error);
    return unusableConfigDir(appName);
  }
}

/** The files optel keeps in the user-scope directory. */
export interface UserFiles {
  readonly dir: string;
  /** `{ "enabled": boolean }`: the user's consent. */
  readonly consent: string;
  /** The per-install random HMAC key (0600); never exported. */
  readonly hashKey: string;
  /** The random install id (0600), sent as `optel.install.id`. */
  readonly installId: string;
  /** Which consent version's first-run notice was shown (opt-out mode). */
  readonly notice: string;
  /** Records that could not be sent before the process ended, sent next run. */
  readonly pendingDir: string;
}

/**
 * The files optel keeps in `dir`. Given a function, the directory is only
 * worked out when a path is first asked for: with telemetry off by an
 * environment variable, none is, and the home directory is never looked up.
 */
export function userFiles(dir: string | (() => string)): UserFiles {
  let known = typeof dir === 'string' ? dir : undefined;
  const base = (): string => (known ??= (dir as () => string)());
  return {
    get dir() {
      return base();
    },
    get consent() {
      return nodePath().join(base(), 'telemetry.json');
    },
    get hashKey() {
      return nodePath().join(base(), 'telemetry-key');
    },
    get installId() {
      return nodePath().join(base(), 'telemetry-id');
    },
    get notice() {
      return nodePath().join(base(), 'telemetry-notice.json');
    },
    get pendingDir() {
      return nodePath().join(base(), 'telemetry-pending');
    },
  };
}

/**
 * The project-scope consent file's name: `.<app>-telemetry.json`. A single
 * file rather than a `.<app>/` directory, because tools often keep caches in
 * `.<app>/` and ignore it in git, and this file is meant to be committed.
 */
export function projectFileName(appName: string): string {
  return `.${dirName(appName)}-telemetry.json`;
}
