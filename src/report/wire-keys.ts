/**
 * The wire-contract keys the report reads (README "The wire contract";
 * src/transparency/known-keys.ts lists what each means). Kept here as plain
 * strings so the report depends on the contract, not on the library's code.
 */

/** Span attributes of command records. */
export const LIFECYCLE = 'optel.lifecycle';
export const OUTCOME = 'optel.outcome';
export const ERROR_TYPE = 'error.type';

/** Resource attributes, sent with every span. */
export const INSTALL_ID = 'optel.install.id';
export const SERVICE_NAME = 'service.name';
export const SERVICE_VERSION = 'service.version';
export const OS_TYPE = 'os.type';
export const RUNTIME_NAME = 'process.runtime.name';
export const RUNTIME_VERSION = 'process.runtime.version';
export const CI = 'optel.ci';
export const CI_VENDOR = 'optel.ci.vendor';

export type Outcome = 'success' | 'failure' | 'aborted';
export const OUTCOMES: readonly Outcome[] = ['success', 'failure', 'aborted'];
