import { nodeModule } from '../builtins.js';
// Types only: the package itself is loaded on first use (see loadCiInfo).
import type * as CiInfoModule from 'ci-info';

type CiInfo = typeof CiInfoModule;

/** The app's choice for CI: telemetry on there (the usual sources decide), or off. */
export type CiPolicy = 'on' | 'off';

/** The careful choice: nobody in CI saw a notice or answered a prompt. */
export const DEFAULT_CI_POLICY: CiPolicy = 'off';

export interface CiContext {
  readonly detected: boolean;
  /** The CI service's name (`GitHub Actions`), when known. */
  readonly vendor?: string;
}

/**
 * The vendor-neutral variables ci-info also treats as CI: used for an
 * environment other than the process's own, and if ci-info can't be loaded.
 */
const GENERIC_CI_VARIABLES = ['CI', 'BUILD_ID', 'BUILD_NUMBER', 'CI_APP_ID', 'CI_BUILD_ID', 'CI_BUILD_NUMBER', 'CI_NAME', 'CONTINUOUS_INTEGRATION', 'RUN_ID'];

/**
 * Whether this process runs in CI. For the process's own environment this is
 * ci-info (a maintained list of CI services and their variables, which reads
 * `process.env` once, when loaded). For an environment an app passes in
 * (`env` option), ci-info can't be asked, so its vendor-neutral variables
 * decide, without a vendor name. Either way `CI=false` means "not CI".
 */
export function detectCi(env: Readonly<Record<string, string | undefined>>): CiContext {
  const ci = env === process.env ? loadCiInfo() : undefined;
  if (ci) {
    if (!ci.isCI) return { detected: false };
    return ci.name === null ? { detected: true } : { detected: true, vendor: ci.name };
  }
  if (env['CI'] === 'false') return { detected: false };
  return { detected: GENERIC_CI_VARIABLES.some((name) => Boolean(env[name])) };
}

let ciInfo: CiInfo | null | undefined;

/**
 * ci-info, loaded on first use rather than imported: CI only matters when
 * nothing else has said no, and the telemetry-off path must not pay for it.
 * The built files carry their own copy (see bundledCiInfo); from the sources
 * it is the installed package. Undefined if neither can be loaded.
 */
function loadCiInfo(): CiInfo | undefined {
  ciInfo ??= bundledCiInfo() ?? installedCiInfo() ?? null;
  return ciInfo ?? undefined;
}

/**
 * The copy of ci-info bundled into optel's built files (tsup.config.ts):
 * esbuild turns this `require` into a call that evaluates that copy here, on
 * first use, with no module lookup and no file read. Loading the installed
 * package instead cost about 1.5 ms on the first command's path (`npm run
 * bench`, first-line row). Run from the sources, an ES module has no
 * `require`: undefined.
 */
function bundledCiInfo(): CiInfo | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved at build time, see above
    return require('ci-info') as CiInfo;
  } catch {
    return undefined;
  }
}

/**
 * The installed ci-info. A synchronous load needs a path to resolve from,
 * which an ES module only has through `import.meta` (a syntax error in the
 * CommonJS build), so the path is this very code's file, read from the call
 * stack. Undefined if that fails.
 */
function installedCiInfo(): CiInfo | undefined {
  try {
    const from = ownFileName();
    return from === undefined ? undefined : (nodeModule().createRequire(from)('ci-info') as CiInfo);
  } catch {
    return undefined;
  }
}

/** The file (path or file: URL) this function was compiled into, as V8 reports it: not source-mapped. */
function ownFileName(): string | undefined {
  const { prepareStackTrace, stackTraceLimit } = Error;
  try {
    Error.prepareStackTrace = (_error, sites) => sites;
    Error.stackTraceLimit = 1;
    const sites = new Error().stack as unknown as readonly NodeJS.CallSite[] | undefined;
    return sites?.[0]?.getFileName() ?? undefined;
  } finally {
    Error.prepareStackTrace = prepareStackTrace;
    Error.stackTraceLimit = stackTraceLimit;
  }
}
