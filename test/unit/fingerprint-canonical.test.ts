/**
 * The canonical text a fingerprint is computed from, for the values a
 * configuration holds, and the two places an app author reads about its
 * catalogue and hashing: the warnings and the "what we collect" document.
 */
import { describe, expect, it, vi } from 'vitest';
import { createTelemetry } from '../../src/index.js';
import { canonicalJson } from '../../src/privacy/fingerprint.js';
import { tempDir } from '../support/child.js';

describe('canonicalJson', () => {
  it('writes booleans, null and a top-level undefined as JSON does', () => {
    expect(canonicalJson({ on: true, off: false, none: null })).toBe('{"none":null,"off":false,"on":true}');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson(() => 1)).toBe('null');
    expect(canonicalJson({ s: Symbol('x'), list: [Symbol('y')] })).toBe('{"list":[null]}');
  });

  it('writes a Set as the sorted array of its members, so insertion order does not matter', () => {
    expect(canonicalJson(new Set(['b', 'a', undefined]))).toBe('["a","b",null]');
    expect(canonicalJson({ plugins: new Set([2, 1]) })).toBe('{"plugins":[1,2]}');
  });

  it('cuts a structure deeper than 64 levels, whatever it is made of', () => {
    const nest = (wrap: (inner: unknown) => unknown): unknown => {
      let value: unknown = 'bottom';
      for (let i = 0; i < 100; i++) value = wrap(value);
      return value;
    };
    for (const [kind, value] of [
      ['arrays', nest((inner) => [inner])],
      ['objects', nest((inner) => ({ a: inner }))],
      ['sets', nest((inner) => new Set([inner]))],
      ['toJSON', nest((inner) => ({ toJSON: () => inner }))],
    ] as const) {
      const text = canonicalJson(value);
      expect(text, kind).toContain('"[too deep]"');
      expect(text, kind).not.toContain('bottom');
    }
    expect(canonicalJson([[['shallow']]])).toBe('[[["shallow"]]]');
  });
});

describe('what an app author is told', () => {
  it('a catalogue entry with an unknown treatment, or one redeclaring a key optel writes, is reported', () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    try {
      const telemetry = createTelemetry({
        app: { name: 'acme' },
        endpoint: 'https://telemetry.invalid',
        configDir: tempDir(),
        env: {},
        attributes: { 'cli.command': 'clear', 'project.name': 'hash', 'user.email': 'plain' as 'clear', 'optel.outcome': 'clear' },
      });
      const messages = telemetry.diagnostics().map((d) => d.message);
      expect(messages).toContain('attribute "user.email" has treatment "plain"; use "clear" or "hash" (it will be dropped)');
      expect(messages).toContain('attribute "optel.outcome" is written by optel itself; the declaration is ignored');
      expect(messages.join('\n')).not.toMatch(/cli\.command|project\.name/);
    } finally {
      stderr.mockRestore();
    }
  });

  it('the "what we collect" document names the plain hash an app chose, and warns that it is unkeyed', () => {
    const describeWith = (algorithm: 'sha256' | 'md5'): string =>
      createTelemetry({ app: { name: 'acme' }, endpoint: 'https://telemetry.invalid', configDir: tempDir(), env: {}, attributes: { 'project.name': 'hash' }, hash: { algorithm } }).describe({ format: 'markdown' });
    expect(describeWith('sha256')).toContain('plain SHA-256 of the value, without a key');
    expect(describeWith('md5')).toContain('plain MD5 of the value, without a key');
  });
});
