/**
 * Behaviour the README promises that the code did not deliver, found while
 * reading the mutants that survived mutation testing, and fixed since: IPv6
 * addresses with an IPv4 tail were cut after their first octet (also when a
 * port followed), the IPv6 loopback in full spelling was redacted, and any
 * optel.* resource value passed unscrubbed in an app's own SDK.
 */
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { createTelemetry } from '../../src/index.js';
import { scrubText } from '../../src/privacy/scrub-text.js';
import { tempDir } from '../support/child.js';

describe('IPv6 addresses with an IPv4 tail', () => {
  // When the IPv6 pattern tried `[0-9A-Fa-f]{1,4}` before the dotted tail,
  // the tail's first octet always won and the dotted alternative (and the
  // embedded-IPv4 branch of isIdentifyingIPv6) was never reached: a tail the
  // IPv4 rule left alone (loopback, 0.0.0.0) was cut in the middle.
  it('is replaced whole, or kept whole, never cut after its first octet', () => {
    for (const address of ['::ffff:127.0.0.1', '2001:db8::0.0.0.0']) {
      expect([address, '[redacted:ip]'], address).toContain(scrubText(address));
    }
  });
});

describe('IPv6 addresses with an IPv4 tail and a port', () => {
  // Still open. Node logs a client as `${socket.remoteAddress}:${port}`, so
  // `::ffff:127.0.0.1:54321` is common. The lookahead after the address,
  // (?![A-Za-z0-9:]), refuses the `:` of the port after the dotted tail, and
  // the pattern then backtracks to the hex alternative, which takes only the
  // first octet: `[redacted:ip].0.0.1:54321`. Same with a letter right after
  // the tail (`::ffff:127.0.0.1x`).
  it('is taken whole or left whole, never cut after the first octet of its tail', () => {
    expect(scrubText('connection from ::ffff:127.0.0.1:54321')).toBe('connection from ::ffff:127.0.0.1:54321');
    expect(['from 2001:db8::0.0.0.0:443', 'from [redacted:ip]:443']).toContain(scrubText('from 2001:db8::0.0.0.0:443'));
  });
});

describe('loopback', () => {
  // README: "[redacted:ip] (IPv4 and IPv6, except loopback)"; only the
  // spelling `::1` used to be recognized as loopback.
  it('the IPv6 loopback address is kept in its full spelling too', () => {
    expect(scrubText('listening on 0:0:0:0:0:0:0:1 port 4318')).toBe('listening on 0:0:0:0:0:0:0:1 port 4318');
  });
});

describe("the resource in an app's own SDK", () => {
  // README: "the other values are scrubbed (optel's own ids pass as they
  // are)". Every `optel.*` key used to pass unscrubbed, also one optel never
  // writes, such as a user's OTEL_RESOURCE_ATTRIBUTES=optel.note=... read by
  // the app's NodeSDK.
  it("scrubs a value under an optel.* key that is not one of optel's own ids", async () => {
    const telemetry = createTelemetry({ app: { name: 'acme' }, endpoint: 'https://telemetry.invalid', configDir: tempDir(), env: {}, consent: { enabled: true } });
    const received: ReadableSpan[] = [];
    const next: SpanProcessor = { onStart: () => undefined, onEnd: (span) => received.push(span), forceFlush: async () => undefined, shutdown: async () => undefined };
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'acme', 'optel.note': 'jane@corp.example' }),
      spanProcessors: [telemetry.spanProcessor(next)],
    });
    provider.getTracer('app').startSpan('build').end();
    await provider.forceFlush();
    expect(received[0]?.resource.attributes['optel.note']).not.toBe('jane@corp.example');
  });
});
