// Generated spans for `optel report`: a plausible month of an app's command
// records, written as `optel receive --jsonl` lines (started + completed per
// command, a few killed), from a seeded generator so every run writes the
// same file. Used by the bench row and to draw the README's screenshot.
import { closeSync, openSync, writeSync } from 'node:fs';

/** A small seeded PRNG (mulberry32): the same seed, the same file. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = (rand, weighted) => {
  let roll = rand() * weighted.reduce((sum, [, weight]) => sum + weight, 0);
  for (const [value, weight] of weighted) {
    roll -= weight;
    if (roll <= 0) return value;
  }
  return weighted.at(-1)[0];
};

const hex = (rand, length) => {
  let out = '';
  while (out.length < length) out += Math.floor(rand() * 0x100000000).toString(16).padStart(8, '0');
  return out.slice(0, length);
};

const COMMANDS = [
  ['build', 50, 1800, 0.04],
  ['test', 25, 9000, 0.12],
  ['deploy', 12, 25000, 0.06],
  ['init', 8, 300, 0.02],
  ['lint', 5, 1200, 0.08],
];
const VERSIONS = ['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0'];
const ERRORS = [['DeployError', 5], ['TypeError', 3], ['exit code 1', 4], ['TimeoutError', 2], ['ENOENT', 1]];

/**
 * Writes `spans` spans (about half started, half completed records) from
 * `installs` installs over `days` days to `path`. A rare plugin command used by
 * `rareInstalls` installs shows suppression at work.
 */
export function writeReportSpans(path, { spans = 1_000_000, installs = 2000, days = 30, seed = 15, rareInstalls = 3 } = {}) {
  const rand = random(seed);
  const people = Array.from({ length: installs }, (_, index) => {
    const os = pick(rand, [['linux', 55], ['darwin', 33], ['windows', 12]]);
    const ci = rand() < 0.3 ? pick(rand, [['GitHub Actions', 70], ['GitLab CI', 20], ['CircleCI', 10]]) : undefined;
    return {
      id: `${hex(rand, 8)}-${hex(rand, 4)}-4${hex(rand, 3)}-a${hex(rand, 3)}-${hex(rand, 12)}`,
      os,
      node: pick(rand, [['18.20.4', 10], ['20.20.2', 50], ['22.11.0', 30], ['24.1.0', 10]]),
      ci,
      firstVersion: Math.floor(rand() * VERSIONS.length),
      rare: index < rareInstalls,
    };
  });
  const start = Date.UTC(2026, 10, 1);
  const fd = openSync(path, 'w');
  let buffer = '';
  let written = 0;
  const flush = () => {
    writeSync(fd, buffer);
    buffer = '';
  };
  while (written < spans) {
    const person = people[Math.floor(rand() ** 1.6 * people.length)];
    const dayFraction = rand();
    const startMs = start + Math.floor(dayFraction * days * 86_400_000);
    // Installs upgrade over the month.
    const versionIndex = Math.min(VERSIONS.length - 1, person.firstVersion + Math.floor(dayFraction * 3));
    const version = VERSIONS[versionIndex];
    const [command, , typicalMs, baseFailure] = person.rare && rand() < 0.3 ? ['plugin-sync', 0, 4000, 0.2] : pick(rand, COMMANDS.map((entry) => [entry, entry[1]]));
    const failureRate = command === 'deploy' && version === '1.3.0' ? 0.35 : baseFailure;
    const durationMs = typicalMs * Math.exp((rand() + rand() + rand() - 1.5) * 1.2);
    const traceId = hex(rand, 32);
    const spanId = hex(rand, 16);
    const resource = {
      'service.name': 'acme',
      'service.version': version,
      'telemetry.sdk.name': 'optel',
      'telemetry.sdk.language': 'nodejs',
      'telemetry.sdk.version': '0.1.0',
      'os.type': person.os,
      'os.version': '6.1.0',
      'host.arch': 'amd64',
      'process.runtime.name': 'nodejs',
      'process.runtime.version': person.node,
      'optel.ci': person.ci !== undefined,
      ...(person.ci === undefined ? {} : { 'optel.ci.vendor': person.ci }),
      'optel.install.id': person.id,
    };
    const startNs = `${BigInt(startMs) * 1_000_000n}`;
    const base = { name: command, traceId, kind: 1, events: [], links: [], resource, scope: { name: 'optel', version: '0.1.0' } };
    buffer += `${JSON.stringify({ ...base, spanId: hex(rand, 16), parentSpanId: spanId, startTimeUnixNano: startNs, endTimeUnixNano: startNs, attributes: { 'cli.command': command, 'optel.lifecycle': 'started' }, status: { code: 0 } })}\n`;
    written += 1;
    if (written < spans && rand() > 0.01) {
      const roll = rand();
      const outcome = roll < failureRate ? 'failure' : roll < failureRate + 0.01 ? 'aborted' : 'success';
      const attributes = { 'cli.command': command, 'optel.lifecycle': 'completed', 'optel.outcome': outcome, 'process.exit.code': outcome === 'success' ? 0 : outcome === 'aborted' ? 130 : 1 };
      if (outcome === 'failure') attributes['error.type'] = pick(rand, ERRORS);
      const endNs = `${BigInt(startMs) * 1_000_000n + BigInt(Math.round(durationMs * 1e6))}`;
      buffer += `${JSON.stringify({ ...base, spanId, parentSpanId: '', startTimeUnixNano: startNs, endTimeUnixNano: endNs, attributes, status: { code: outcome === 'failure' ? 2 : 0 } })}\n`;
      written += 1;
    }
    if (buffer.length > 1 << 20) flush();
  }
  flush();
  closeSync(fd);
  return { path, spans: written };
}
