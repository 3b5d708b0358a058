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

/**
 * Loopback check on a hostname as the WHATWG URL parser leaves it: IPv4 in
 * dotted decimal (it rewrites `2130706433` or `0x7f.1` to `127.0.0.1`) and
 * IPv6 compressed in brackets. Written without `node:net`, which would cost
 * the start of every app, telemetry on or off.
 */
export function isLoopback(hostname: string): boolean {
  const lower = hostname.toLowerCase();
  const host = lower.startsWith('[') && lower.endsWith(']') ? lower.slice(1, -1) : lower;
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return true;
  // ::1, and IPv4-mapped 127.x.y.z (::ffff:7f00:1, or ::ffff:127.0.0.1 before normalization).
  return host === '::1' || /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(host) || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
