import { describe, expect, it } from 'vitest';
import { checkEndpoint, isLoopback } from '../../src/config/endpoint.js';

function tracesUrl(endpoint: string, allowInsecure = false): string {
  const check = checkEndpoint(endpoint, allowInsecure);
  if (!check.ok) throw new Error(`expected ${endpoint} to be accepted, got: ${check.reason}`);
  return check.tracesUrl.href;
}

function refusal(endpoint: string, allowInsecure = false): string {
  const check = checkEndpoint(endpoint, allowInsecure);
  if (check.ok) throw new Error(`expected ${endpoint} to be refused, got ${check.tracesUrl.href}`);
  return check.reason;
}

describe('checkEndpoint', () => {
  it('accepts an https:// collector and posts to /v1/traces under it', () => {
    expect(tracesUrl('https://telemetry.example.com')).toBe('https://telemetry.example.com/v1/traces');
    expect(tracesUrl('https://telemetry.example.com/')).toBe('https://telemetry.example.com/v1/traces');
    expect(tracesUrl('https://telemetry.example.com:8443')).toBe('https://telemetry.example.com:8443/v1/traces');
  });

  it('keeps a base path: https://x/base sends to /base/v1/traces', () => {
    expect(tracesUrl('https://x.example/base')).toBe('https://x.example/base/v1/traces');
    expect(tracesUrl('https://x.example/base/')).toBe('https://x.example/base/v1/traces');
    expect(tracesUrl('https://x.example/a/b')).toBe('https://x.example/a/b/v1/traces');
  });

  it('drops a query string and fragment from the base URL', () => {
    expect(tracesUrl('https://x.example/base?token=abc#frag')).toBe('https://x.example/base/v1/traces');
  });

  it('accepts plain http:// to loopback collectors on this machine', () => {
    expect(tracesUrl('http://localhost:4318')).toBe('http://localhost:4318/v1/traces');
    expect(tracesUrl('http://127.0.0.1:4318')).toBe('http://127.0.0.1:4318/v1/traces');
    expect(tracesUrl('http://127.8.9.10')).toBe('http://127.8.9.10/v1/traces');
    expect(tracesUrl('http://[::1]:4318')).toBe('http://[::1]:4318/v1/traces');
    expect(tracesUrl('http://collector.localhost:4318')).toBe('http://collector.localhost:4318/v1/traces');
    expect(tracesUrl('HTTP://LOCALHOST:4318')).toBe('http://localhost:4318/v1/traces');
    expect(tracesUrl('http://[0:0:0:0:0:0:0:1]:4318')).toBe('http://[::1]:4318/v1/traces');
    expect(tracesUrl('http://[::ffff:127.0.0.1]:4318')).toBe('http://[::ffff:7f00:1]:4318/v1/traces');
    expect(tracesUrl('http://2130706433:4318')).toBe('http://127.0.0.1:4318/v1/traces');
  });

  it('refuses plain http:// to any host that is not loopback, saying why', () => {
    for (const endpoint of [
      'http://example.com',
      'http://10.0.0.5:4318',
      'http://192.168.1.2',
      'http://0.0.0.0:4318',
      'http://[2001:db8::1]:4318',
      'http://localhost.example.com',
      'http://127.0.0.1.example.com',
    ]) {
      expect(refusal(endpoint), endpoint).toMatch(/plain HTTP/);
    }
  });

  it('allows plain http:// to a non-loopback host only when the app opts in explicitly', () => {
    expect(tracesUrl('http://10.0.0.5:4318', true)).toBe('http://10.0.0.5:4318/v1/traces');
  });

  it('refuses credentials in the URL, even over https', () => {
    expect(refusal('https://user:pass@telemetry.example.com')).toMatch(/credentials/);
    expect(refusal('https://token@telemetry.example.com')).toMatch(/credentials/);
    expect(refusal('http://localhost@evil.example.com')).toMatch(/credentials/);
  });

  it('refuses the credentials without repeating them in the message', () => {
    expect(refusal('https://user:s3cr3t-pass@telemetry.example.com')).not.toContain('s3cr3t-pass');
  });

  it('refuses garbage and other schemes without throwing', () => {
    for (const endpoint of ['', 'not a url', 'telemetry.example.com', '://x', 'https://']) {
      expect(refusal(endpoint), endpoint).toMatch(/not a valid URL/);
    }
    for (const endpoint of ['ftp://telemetry.example.com', 'file:///tmp/x', 'ws://localhost:4318', 'javascript:alert(1)']) {
      expect(refusal(endpoint), endpoint).toMatch(/https/);
    }
  });
});

describe('isLoopback (on hostnames as the URL parser leaves them)', () => {
  it('knows the loopback names and addresses', () => {
    for (const host of ['localhost', 'a.localhost', '127.0.0.1', '127.255.255.254', '[::1]', '[::ffff:7f00:1]']) {
      expect(isLoopback(host), host).toBe(true);
    }
  });

  it('does not mistake other hosts for loopback', () => {
    for (const host of ['example.com', 'localhost.example.com', '128.0.0.1', '10.0.0.1', '[::2]', '0.0.0.0', 'mylocalhost', '[::ffff:a00:1]']) {
      expect(isLoopback(host), host).toBe(false);
    }
  });
});
