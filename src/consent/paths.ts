import { homedir } from 'node:os';
import { join } from 'node:path';
import { dirName } from '../app-name.js';

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
  const base = xdg !== undefined && xdg !== '' && xdg.startsWith('/') ? xdg : join(homedir(), '.config');
  return join(base, dirName(appName));
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

export function userFiles(dir: string): UserFiles {
  return {
    dir,
    consent: join(dir, 'telemetry.json'),
    hashKey: join(dir, 'telemetry-key'),
    installId: join(dir, 'telemetry-id'),
    notice: join(dir, 'telemetry-notice.json'),
    pendingDir: join(dir, 'telemetry-pending'),
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
