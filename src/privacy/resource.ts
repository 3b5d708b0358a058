import type { Attributes, AttributeValue } from '@opentelemetry/api';
import { WIRE_KEYS } from '../transparency/wire-keys.js';
import { isAllowedResourceKey } from './catalogue.js';
import type { Resource } from '../sdk/sdk-types.js';

/** Resource keys whose values optel itself made: a random UUID and a keyed digest. */
const OWN_IDS: ReadonlySet<string> = new Set([WIRE_KEYS.installId, WIRE_KEYS.projectId]);

/**
 * The resource that leaves with a span: only the allow-listed keys of the
 * source resource (values scrubbed), then `overrides` (the app's own
 * service name and version, so a user's OTEL_SERVICE_NAME never renames the
 * vendor's telemetry). A plain object implementing Resource, so building it
 * loads no OpenTelemetry code. While the source still waits for
 * asynchronous detectors, the attributes are rebuilt on each read; once it
 * settles they are fixed.
 */
export function scrubbedResource(source: Resource, scrubValue: (value: AttributeValue) => AttributeValue, overrides: Attributes): Resource {
  let settled: Attributes | undefined;
  const attributes = (): Attributes => {
    if (settled) return settled;
    const pending = source.asyncAttributesPending === true;
    const built: Attributes = {};
    const from = pending ? settledSoFar(source) : source.attributes;
    for (const key of Object.keys(from)) {
      const value = from[key];
      if (value === undefined || value === null || !isAllowedResourceKey(key)) continue;
      // optel's own ids are random or keyed digests and pass as they are; any
      // other value, under optel.* too (a user's OTEL_RESOURCE_ATTRIBUTES can
      // put anything there), is scrubbed.
      built[key] = OWN_IDS.has(key) ? value : scrubValue(value);
    }
    Object.assign(built, overrides);
    if (!pending) settled = built;
    return built;
  };
  return plainResource(attributes, source);
}

/**
 * The attributes already settled, read without touching `attributes`
 * (which the SDK reports as an error while detectors are still running).
 * The first value of a key wins, as in the SDK's own resource.
 */
function settledSoFar(source: Resource): Attributes {
  const attributes: Attributes = {};
  for (const [key, value] of source.getRawAttributes()) {
    if (value === undefined || value === null || typeof (value as { then?: unknown }).then === 'function') continue;
    attributes[key] ??= value as AttributeValue;
  }
  return attributes;
}

export function plainResource(attributes: () => Attributes, source?: Resource): Resource {
  const schemaUrl = source?.schemaUrl;
  const resource: Resource = {
    get asyncAttributesPending() {
      return source?.asyncAttributesPending === true;
    },
    get attributes() {
      return attributes();
    },
    ...(schemaUrl === undefined ? {} : { schemaUrl }),
    async waitForAsyncAttributes() {
      await source?.waitForAsyncAttributes?.();
    },
    merge(other: Resource | null): Resource {
      const merged = { ...attributes(), ...(other?.attributes ?? {}) };
      return plainResource(() => merged);
    },
    getRawAttributes() {
      return Object.entries(attributes());
    },
  };
  return resource;
}
