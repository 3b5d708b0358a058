/**
 * The attribute keys optel itself puts on the wire, in one list: the
 * recorder, the privacy rules, the identity, the debug printer and the
 * "what we collect" document all name them from here.
 */
export const WIRE_KEYS = {
  /** `started` or `completed`. */
  lifecycle: 'optel.lifecycle',
  /** `success`, `failure` or `aborted`. */
  outcome: 'optel.outcome',
  exitCode: 'process.exit.code',
  errorType: 'error.type',
  installId: 'optel.install.id',
  projectId: 'optel.project.id',
  userId: 'optel.user.id',
  ci: 'optel.ci',
  ciVendor: 'optel.ci.vendor',
  // The execution context (each one the app can turn off).
  hostCpus: 'optel.host.cpus',
  container: 'optel.container',
  kubernetes: 'optel.kubernetes',
  wsl: 'optel.wsl',
  devEnvironment: 'optel.dev_environment',
  cloudProvider: 'cloud.provider',
  runner: 'optel.runner',
} as const;

/** The `optel.lifecycle` values. */
export const STARTED = 'started';
export const COMPLETED = 'completed';
