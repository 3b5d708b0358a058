import type { ContextOptions } from '../config/options.js';

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
  { key: 'optel.outcome', description: 'how a command or step ended: `success`, `failure` or `aborted` (ended by a signal)' },
  { key: 'process.exit.code', description: 'the exit code, when known' },
  { key: 'error.type', description: "when a command or step fails: the error's class name (never its message), or the exit code" },
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
  { key: 'optel.host.cpus', description: 'the number of logical CPUs, rounded down to a power of two (1, 2, 4, ... 64 for 64 or more)' },
  { key: 'optel.container', description: 'whether it runs in a container (Docker, Podman, ...); never which one' },
  { key: 'optel.kubernetes', description: 'whether it runs in a Kubernetes pod' },
  { key: 'optel.wsl', description: 'whether it runs in the Windows Subsystem for Linux' },
  { key: 'optel.dev_environment', description: 'only in one: `codespaces`, `gitpod` or `devcontainer`' },
  { key: 'cloud.provider', description: "only when the platform's own variables say so: `aws`, `gcp` or `azure` (never a region, account or project)" },
  { key: 'optel.runner', description: 'only when launched by one: `airflow` (a task) or `jupyter` (a notebook kernel)' },
  { key: 'optel.install.id', description: 'a random id created for this install on its first run with telemetry on; deleted by `telemetry disable`' },
  { key: 'optel.project.id', description: "a keyed hash of the project's git remote (or of the project file's random `projectId`); unrelated across machines" },
  { key: 'optel.user.id', description: 'only when you set one yourself: the id you chose' },
];

/** The context keys the app can leave out, by the `context` option that controls each. */
export const OPTIONAL_CONTEXT_KEYS: Readonly<Record<string, keyof ContextOptions>> = {
  'optel.host.cpus': 'cpuCount',
  'optel.container': 'container',
  'optel.kubernetes': 'kubernetes',
  'optel.wsl': 'wsl',
  'optel.dev_environment': 'devEnvironment',
  'cloud.provider': 'cloud',
  'optel.runner': 'runner',
};
