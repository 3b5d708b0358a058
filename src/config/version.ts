/** optel's own version, sent as `telemetry.sdk.version` (a test keeps it equal to package.json). */
export const OPTEL_VERSION = '0.1.0';
