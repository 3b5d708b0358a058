/**
 * The two names derived from `app.name`: the env var prefix
 * (`my-cli` -> `MY_CLI`, as in `MY_CLI_TELEMETRY_DISABLED`) and the directory
 * name used under the config dir.
 */
export function envPrefix(appName: string): string {
  return appName.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

export function dirName(appName: string): string {
  const cleaned = appName.toLowerCase().replace(/[^a-z0-9._-]/g, '-').replace(/^\.+/, '');
  return cleaned === '' ? 'app' : cleaned;
}
