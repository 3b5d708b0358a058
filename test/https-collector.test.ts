// A collector behind HTTPS, as most are: optel checks its certificate, sends
// on kept connections, and with a certificate it can't verify sends nothing
// and keeps the records for the next run. The certificate in fixtures/tls/
// is self-signed for 127.0.0.1 and used by tests only; the child trusts it
// through NODE_EXTRA_CA_CERTS.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { consentedEnv, FIXTURES, runNode } from './support/child.js';

const APP = join(FIXTURES, 'app.mjs');
const CERT = join(FIXTURES, 'tls', 'loopback-cert.pem');
const KEY = join(FIXTURES, 'tls', 'loopback-key.pem');

interface HttpsCollector {
  readonly url: string;
  /** `name/lifecycle` of every span received. */
  readonly records: string[];
  connections: number;
  /** TLS handshakes that failed (the client refused the certificate). */
  refusedHandshakes: number;
  close(): Promise<void>;
}

const collectors: HttpsCollector[] = [];
afterEach(async () => {
  await Promise.all(collectors.splice(0).map((collector) => collector.close()));
});

async function httpsCollector(): Promise<HttpsCollector> {
  const server = createServer({ key: readFileSync(KEY), cert: readFileSync(CERT) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        resourceSpans: { scopeSpans: { spans: { name: string; attributes: { key: string; value: { stringValue?: string } }[] }[] }[] }[];
      };
      for (const span of body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans))) {
        const lifecycle = span.attributes.find((a) => a.key === 'optel.lifecycle')?.value.stringValue ?? '';
        state.records.push(`${span.name}/${lifecycle}`);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.keepAliveTimeout = 300_000;
  server.on('secureConnection', () => state.connections++);
  server.on('tlsClientError', () => state.refusedHandshakes++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const state: HttpsCollector = {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    records: [],
    connections: 0,
    refusedHandshakes: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  collectors.push(state);
  return state;
}

const pendingFiles = (env: Record<string, string>): string[] => {
  const dir = join(env['XDG_CONFIG_HOME'] ?? '', 'fixture', 'telemetry-pending');
  return existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.otlp.json')) : [];
};

describe('an HTTPS collector', () => {
  it('gets every record, over connections whose certificate was checked', async () => {
    const collector = await httpsCollector();
    const env = consentedEnv({ FIXTURE_ENDPOINT: collector.url, NODE_EXTRA_CA_CERTS: CERT });
    const result = await runNode([APP, 'ok'], { env, timeoutMs: 60_000 });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('app output\n');
    expect(collector.records).toEqual(expect.arrayContaining(['build/started', 'build/completed', 'fixture/completed']));
    expect(collector.refusedHandshakes).toBe(0);
    expect(collector.connections).toBeGreaterThan(0);
    expect(pendingFiles(env)).toEqual([]);
  });

  it('with a certificate it cannot verify, sends nothing, keeps the records for the next run, and the app is unchanged', async () => {
    const collector = await httpsCollector();
    // No NODE_EXTRA_CA_CERTS: the self-signed certificate is not trusted.
    const env = consentedEnv({ FIXTURE_ENDPOINT: collector.url });
    const result = await runNode([APP, 'ok'], { env, timeoutMs: 60_000 });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('app output\n');
    expect(result.stderr).toBe('');
    expect(collector.records).toEqual([]);
    expect(collector.refusedHandshakes).toBeGreaterThan(0);
    expect(pendingFiles(env).length).toBeGreaterThan(0);
  });
});
