import { isIP } from 'node:net';

export type EndpointCheck =
  | { readonly ok: true; readonly tracesUrl: URL }
  | { readonly ok: false; readonly reason: string };

/**
 * Turns an OTLP/HTTP base URL into the traces URL, refusing anything that
 * would send data in clear over a network: HTTPS is required unless the host
 * is a loopback address (a collector on the same machine).
 */
export function checkEndpoint(endpoint: string, allowInsecure: boolean): EndpointCheck {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return { ok: false, reason: `telemetry endpoint "${endpoint}" is not a valid URL; nothing will be sent` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, reason: `telemetry endpoint ${url.origin} must use https:// (or http:// on loopback); nothing will be sent` };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, reason: 'telemetry endpoint must not carry credentials in the URL; nothing will be sent' };
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname) && !allowInsecure) {
    return {
      ok: false,
      reason: `refusing to send telemetry over plain HTTP to ${url.host} (not a loopback address); use https:// or set allowInsecureEndpoint`,
    };
  }
  const base = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  url.pathname = `${base}v1/traces`;
  url.search = '';
  url.hash = '';
  return { ok: true, tracesUrl: url };
}

export function isLoopback(hostname: string): boolean {
  const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1' || host.toLowerCase().startsWith('::ffff:127.');
  return false;
}
