import { arch, release, type as osType } from 'node:os';
import type { ContextChoices } from '../config/context-options.js';
import { executionContext } from './execution-context.js';
import { WIRE_KEYS } from '../transparency/wire-keys.js';
import type { CiContext } from '../consent/ci.js';

export interface AppInfo {
  readonly name: string;
  readonly version?: string;
}

/**
 * The SDK that records optel's spans, for `telemetry.sdk.*`. The semantic
 * conventions reserve `telemetry.sdk.name=opentelemetry` for the
 * OpenTelemetry SDK and require any other implementation to name itself
 * (never `opentelemetry`); optel itself is reported as the distribution,
 * `telemetry.distro.*`.
 */
export interface RecordingSdk {
  readonly name: string;
  readonly version: string;
}

/**
 * The context every span carries, built from explicit, non-identifying facts.
 * No resource detectors run: they would add the host name, machine id,
 * process owner, argv and executable path. The user's
 * `OTEL_RESOURCE_ATTRIBUTES` / `OTEL_SERVICE_NAME` are for their own
 * telemetry and are not read.
 */
export function contextAttributes(app: AppInfo, optelVersion: string, sdk: RecordingSdk, choices: ContextChoices, ci: CiContext): Record<string, string | number | boolean> {
  const attributes: Record<string, string | number | boolean> = {
    'service.name': app.name,
    'telemetry.sdk.name': sdk.name,
    'telemetry.sdk.language': 'nodejs',
    'telemetry.sdk.version': sdk.version,
    'telemetry.distro.name': 'optel',
    'telemetry.distro.version': optelVersion,
    'os.type': osTypeName(),
    'os.version': release(),
    'host.arch': archName(),
    'process.runtime.name': 'nodejs',
    'process.runtime.version': process.versions.node,
    [WIRE_KEYS.ci]: ci.detected,
  };
  if (app.version !== undefined) attributes['service.version'] = app.version;
  if (ci.detected && ci.vendor !== undefined) attributes[WIRE_KEYS.ciVendor] = ci.vendor;
  return { ...attributes, ...executionContext(choices) };
}

function osTypeName(): string {
  // Semantic-conventions values: linux, darwin, windows, freebsd, ...
  const type = osType().toLowerCase();
  return type === 'windows_nt' ? 'windows' : type;
}

function archName(): string {
  const names: Record<string, string> = { x64: 'amd64', ia32: 'x86', arm64: 'arm64', arm: 'arm32', ppc64: 'ppc64', s390x: 's390x' };
  return names[arch()] ?? arch();
}
