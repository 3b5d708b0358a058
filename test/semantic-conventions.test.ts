/**
 * optel writes the semantic-convention keys it sends as literals (importing
 * @opentelemetry/semantic-conventions would cost its load on a path that
 * must stay small); this pins each literal, and the values the conventions
 * fix, against the package itself (a devDependency).
 */
import * as semconv from '@opentelemetry/semantic-conventions';
import * as incubating from '@opentelemetry/semantic-conventions/incubating';
import { describe, expect, it } from 'vitest';
import { contextChoices } from '../src/config/context-options.js';
import { contextAttributes } from '../src/identity/resource-attributes.js';
import { OPTEL_ATTRIBUTE_KEYS } from '../src/privacy/catalogue.js';
import { isAllowedResourceKey } from '../src/privacy/catalogue.js';
import { CONTEXT_KEYS } from '../src/transparency/known-keys.js';

const exported = (module: Record<string, unknown>, prefix: string): Set<string> =>
  new Set(Object.entries(module).filter(([name, value]) => name.startsWith(prefix) && typeof value === 'string').map(([, value]) => value as string));
const STABLE = exported(semconv, 'ATTR_');
const ALL = new Set([...STABLE, ...exported(incubating, 'ATTR_')]);

describe('semantic conventions', () => {
  const context = contextAttributes({ name: 'acme', version: '1.2.0' }, '0.1.0', { name: 'opentelemetry', version: '2.12.1' }, contextChoices({}), { detected: false });

  it('every context key that is not optel.* is a semantic-conventions attribute, and telemetry.* ones are stable', () => {
    for (const key of CONTEXT_KEYS.map((k) => k.key).filter((k) => !k.startsWith('optel.'))) {
      expect(ALL, key).toContain(key);
      if (key.startsWith('telemetry.') || key.startsWith('service.')) expect(STABLE, key).toContain(key);
    }
  });

  it("the keys optel writes on records are the conventions' own, or optel.*", () => {
    for (const key of [...OPTEL_ATTRIBUTE_KEYS].filter((k) => !k.startsWith('optel.'))) expect(ALL, key).toContain(key);
  });

  it('telemetry.sdk.* describe the OpenTelemetry SDK, telemetry.distro.* describe optel', () => {
    expect(context[semconv.ATTR_TELEMETRY_SDK_NAME]).toBe('opentelemetry');
    expect(context[semconv.ATTR_TELEMETRY_SDK_LANGUAGE]).toBe(semconv.TELEMETRY_SDK_LANGUAGE_VALUE_NODEJS);
    expect(context[semconv.ATTR_TELEMETRY_SDK_VERSION]).toBe('2.12.1');
    expect(context[incubating.ATTR_TELEMETRY_DISTRO_NAME]).toBe('optel');
    expect(context[incubating.ATTR_TELEMETRY_DISTRO_VERSION]).toBe('0.1.0');
    expect(context[semconv.ATTR_SERVICE_NAME]).toBe('acme');
    expect(context[semconv.ATTR_SERVICE_VERSION]).toBe('1.2.0');
  });

  it('the resource filter lets every context key through, telemetry.distro.* included', () => {
    for (const key of Object.keys(context)) expect(isAllowedResourceKey(key), key).toBe(true);
    expect(isAllowedResourceKey(incubating.ATTR_TELEMETRY_DISTRO_NAME)).toBe(true);
  });
});
