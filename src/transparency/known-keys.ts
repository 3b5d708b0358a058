/**
 * Plain-words descriptions of the keys optel itself sends, for the generated
 * "what we collect" document. Kept as data here (not imported from the
 * context module, which loads CI detection) so `describe()` stays cheap with
 * telemetry off; a test checks this list against what is really sent.
 */
export interface KeyDescription {
  readonly key: string;
  readonly description: string;
}

export const LIFECYCLE_KEYS: readonly KeyDescription[] = [
  { key: 'optel.lifecycle', description: '`started` when a command begins, `completed` when it ends' },
  { key: 'optel.outcome', description: '`success`, `failure` or `aborted` (ended by a signal)' },
  { key: 'process.exit.code', description: 'the exit code, when known' },
  { key: 'error.type', description: "on failure: the error's class name (never its message), or the exit code" },
];

export const CONTEXT_KEYS: readonly KeyDescription[] = [
  { key: 'service.name', description: 'the app name' },
  { key: 'service.version', description: 'the app version' },
  { key: 'telemetry.sdk.name', description: '`opentelemetry`: the OpenTelemetry SDK records the spans' },
  { key: 'telemetry.sdk.language', description: '`nodejs`' },
  { key: 'telemetry.sdk.version', description: "the OpenTelemetry SDK's version" },
  { key: 'telemetry.distro.name', description: '`optel`, which packages the SDK and decides what is sent' },
  { key: 'telemetry.distro.version', description: "optel's version" },
  { key: 'os.type', description: 'operating system family (`linux`, `darwin`, `windows`)' },
  { key: 'os.version', description: 'operating system kernel release' },
  { key: 'host.arch', description: 'processor architecture (`amd64`, `arm64`)' },
  { key: 'process.runtime.name', description: '`nodejs`' },
  { key: 'process.runtime.version', description: 'the Node.js version' },
  { key: 'optel.ci', description: 'whether it runs in CI' },
  { key: 'optel.ci.vendor', description: 'the CI service, only in CI (e.g. `GitHub Actions`)' },
  { key: 'optel.install.id', description: 'a random id created for this install on its first run with telemetry on; deleted by `telemetry disable`' },
  { key: 'optel.project.id', description: "a keyed hash of the project's git remote (or of the project file's random `projectId`); unrelated across machines" },
  { key: 'optel.user.id', description: 'only when you set one yourself: the id you chose' },
];
