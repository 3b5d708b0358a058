import type { ContextOptions } from '../config/options.js';
import { WIRE_KEYS } from './wire-keys.js';

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
  { key: WIRE_KEYS.lifecycle, description: '`started` when a command begins, `completed` when it ends' },
  { key: WIRE_KEYS.outcome, description: 'how a command or step ended: `success`, `failure` or `aborted` (ended by a signal)' },
  { key: WIRE_KEYS.exitCode, description: 'the exit code, when known' },
  { key: WIRE_KEYS.errorType, description: "when a command or step fails: the error's class name (never its message), or the exit code" },
];

export const CONTEXT_KEYS: readonly KeyDescription[] = [
  { key: 'service.name', description: 'the app name' },
  { key: 'service.version', description: 'the app version' },
  { key: 'telemetry.sdk.name', description: '`optel`: optel records its own spans' },
  { key: 'telemetry.sdk.language', description: '`nodejs`' },
  { key: 'telemetry.sdk.version', description: "optel's version" },
  { key: 'telemetry.distro.name', description: '`optel`, which also decides what is sent' },
  { key: 'telemetry.distro.version', description: "optel's version" },
  { key: 'os.type', description: 'operating system family (`linux`, `darwin`, `windows`)' },
  { key: 'os.version', description: 'operating system kernel release' },
  { key: 'host.arch', description: 'processor architecture (`amd64`, `arm64`)' },
  { key: 'process.runtime.name', description: '`nodejs`' },
  { key: 'process.runtime.version', description: 'the Node.js version' },
  { key: WIRE_KEYS.ci, description: 'whether it runs in CI' },
  { key: WIRE_KEYS.ciVendor, description: 'the CI service, only in CI (e.g. `GitHub Actions`)' },
  { key: WIRE_KEYS.hostCpus, description: 'the number of logical CPUs, rounded down to a power of two (1, 2, 4, ... 64 for 64 or more)' },
  { key: WIRE_KEYS.container, description: 'whether it runs in a container (Docker, Podman, ...); never which one' },
  { key: WIRE_KEYS.kubernetes, description: 'whether it runs in a Kubernetes pod' },
  { key: WIRE_KEYS.wsl, description: 'whether it runs in the Windows Subsystem for Linux' },
  { key: WIRE_KEYS.devEnvironment, description: 'only in one: `codespaces`, `gitpod` or `devcontainer`' },
  { key: WIRE_KEYS.cloudProvider, description: "only when the platform's own variables say so: `aws`, `gcp` or `azure` (never a region, account or project)" },
  { key: WIRE_KEYS.runner, description: 'only when launched by one: `airflow` (a task) or `jupyter` (a notebook kernel)' },
  { key: WIRE_KEYS.installId, description: 'a random id created for this install on its first run with telemetry on; deleted by `telemetry disable`' },
  { key: WIRE_KEYS.projectId, description: "a keyed hash of the project's git remote (or of the project file's random `projectId`); unrelated across machines" },
  { key: WIRE_KEYS.userId, description: 'only when you set one yourself: the id you chose' },
];

/** The context keys the app can leave out, by the `context` option that controls each. */
export const OPTIONAL_CONTEXT_KEYS: Readonly<Record<string, keyof ContextOptions>> = {
  [WIRE_KEYS.hostCpus]: 'cpuCount',
  [WIRE_KEYS.container]: 'container',
  [WIRE_KEYS.kubernetes]: 'kubernetes',
  [WIRE_KEYS.wsl]: 'wsl',
  [WIRE_KEYS.devEnvironment]: 'devEnvironment',
  [WIRE_KEYS.cloudProvider]: 'cloud',
  [WIRE_KEYS.runner]: 'runner',
};
