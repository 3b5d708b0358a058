import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTelemetry } from '../../src/index.js';
import { canonicalJson, fingerprintOf } from '../../src/privacy/fingerprint.js';
import { hmacHex } from '../../src/privacy/hash.js';
import { tempDir } from '../support/child.js';

const KEY = Buffer.from('3c'.repeat(32), 'hex');

describe('canonicalJson', () => {
  it('sorts object keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,1]},"b":1}');
    expect(canonicalJson({ a: { c: 'x', d: [3, 1] }, b: 1 })).toBe(canonicalJson({ b: 1, a: { d: [3, 1], c: 'x' } }));
    expect(canonicalJson([1, 3])).not.toBe(canonicalJson([3, 1]));
  });

  it('follows JSON for undefined and functions, and gives other values a stable text of their own', () => {
    expect(canonicalJson({ a: undefined, b: () => 1, c: [undefined] })).toBe('{"c":[null]}');
    expect(canonicalJson({ n: Number.NaN, i: Number.POSITIVE_INFINITY, big: 10n, d: new Date(0) })).toBe(
      '{"big":"10n","d":"1970-01-01T00:00:00.000Z","i":"Infinity","n":"NaN"}',
    );
    expect(canonicalJson(new Map([['b', 1], ['a', 2]]))).toBe('{"a":2,"b":1}');
    expect(canonicalJson(new Set(['b', 'a']))).toBe(canonicalJson(new Set(['a', 'b'])));
    expect(canonicalJson('caf\u0065\u0301')).toBe(canonicalJson('caf\u00e9'));
    expect(canonicalJson(1)).not.toBe(canonicalJson('1'));
  });

  it('refuses a cycle', () => {
    const looped: Record<string, unknown> = {};
    looped['self'] = looped;
    expect(() => canonicalJson(looped)).toThrow(/cycle/);
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });
});

describe('fingerprintOf', () => {
  it('is a keyed digest of the canonical form, 16 hex characters', () => {
    const digest = fingerprintOf(KEY, { region: 'eu', plugins: ['a', 'b'] });
    expect(digest).toMatch(/^[0-9a-f]{16}$/);
    expect(digest).toBe(hmacHex(KEY, canonicalJson({ plugins: ['a', 'b'], region: 'eu' })));
    expect(digest).not.toBe(fingerprintOf(Buffer.from('c3'.repeat(32), 'hex'), { region: 'eu', plugins: ['a', 'b'] }));
    expect(digest).not.toBe(fingerprintOf(KEY, { region: 'us', plugins: ['a', 'b'] }));
  });
});

describe('telemetry.fingerprint(value)', () => {
  // The app's own "yes" (consent.enabled), so no first-run notice holds sending back.
  const options = (configDir: string, env: Record<string, string> = {}) => ({
    app: { name: 'acme' },
    endpoint: 'https://telemetry.acme.example',
    consent: { enabled: true },
    configDir,
    env,
  });

  it('is undefined while telemetry is off, and touches no file', () => {
    const dir = join(tempDir(), 'acme');
    const telemetry = createTelemetry(options(dir, { DO_NOT_TRACK: '1' }));
    expect(telemetry.fingerprint({ a: 1 })).toBeUndefined();
    expect(existsSync(dir)).toBe(false);
  });

  it("with telemetry on, is stable within an install (whatever the key order) and differs across installs", () => {
    const dir = join(tempDir(), 'acme');
    const first = createTelemetry(options(dir)).fingerprint({ region: 'eu', retries: 3 });
    const again = createTelemetry(options(dir)).fingerprint({ retries: 3, region: 'eu' });
    const elsewhere = createTelemetry(options(join(tempDir(), 'acme'))).fingerprint({ region: 'eu', retries: 3 });
    expect(first).toMatch(/^[0-9a-f]{16}$/);
    expect(again).toBe(first);
    expect(elsewhere).not.toBe(first);
    const key = Buffer.from(readFileSync(join(dir, 'telemetry-key'), 'utf8').trim(), 'hex');
    expect(first).toBe(fingerprintOf(key, { region: 'eu', retries: 3 }));
    expect(statSync(join(dir, 'telemetry-key')).mode & 0o777).toBe(0o600);
  });

  it('never throws into the app: a value it cannot fingerprint gives undefined', () => {
    const looped: Record<string, unknown> = {};
    looped['self'] = looped;
    const telemetry = createTelemetry(options(join(tempDir(), 'acme')));
    expect(telemetry.fingerprint(looped)).toBeUndefined();
    expect(telemetry.diagnostics().map((d) => d.message).join('\n')).toMatch(/could not fingerprint/);
  });
});
