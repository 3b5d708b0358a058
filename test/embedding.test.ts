/**
 * optel inside an app's own OpenTelemetry SDK: `telemetry.sampler()` and
 * `telemetry.spanProcessor(next)`.
 *
 * First in a BasicTracerProvider built here (the repository's sdk-trace-base
 * 2.x, the stock OTLP/HTTP exporter). Then the NodeSDK example
 * (examples/node-sdk) as a user gets it: optel packed from this repository,
 * the example's dependencies installed into a temporary project, app.mjs run
 * in a child process against a loopback receiver, with a watcher recording
 * every outgoing connection. Twice: on the 2.x line with this Node, and on
 * the 3.x line (which needs Node >= 22.15) with Node 24 from the registry's
 * `node` package.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTelemetry } from '../src/index.js';
import { keyedDigest } from '../src/privacy/hash.js';
import type { Receiver, ReceivedSpan } from './support/collector.js';
import { collector } from './support/collector.js';
import { cleanEnv, consentedEnv, ROOT, tempDir } from './support/child.js';
import type { CommandResult } from './support/command.js';
import { describeResult, runCommand } from './support/command.js';
import { runNpm } from './support/npm.js';
import type { ConnectAttempt } from './support/net-watch.js';
import { netWatch } from './support/net-watch.js';

/** Bound for each npm command (they need the registry); a hang bound, not a timing check. */
const NPM_TIMEOUT_MS = 240_000;
const EXAMPLE = join(ROOT, 'examples', 'node-sdk');
/** Shared by the installs here and kept between runs, never in the real home directory. */
const NPM_CACHE = join(ROOT, 'node_modules', '.cache', 'optel-npm');
/** Where scripts/test-matrix.mjs keeps Node binaries from the registry's `node` package. */
const NODE_CACHE = join(ROOT, 'node_modules', '.cache', 'optel-node');

const SECRET = 'corp-secret-7f3a';

const receivers: Receiver[] = [];
const logs: RequestLog[] = [];
afterEach(async () => {
  await Promise.all([...receivers.splice(0).map((r) => r.close()), ...logs.splice(0).map((l) => l.close())]);
});
async function receiver(): Promise<Receiver> {
  const r = await collector();
  receivers.push(r);
  return r;
}

/** The OTLP/JSON bodies a receiver got, parsed. */
function bodies(r: Receiver): OtlpBody[] {
  return r.requests.map((request) => JSON.parse(request.body.toString('utf8')) as OtlpBody);
}
interface OtlpBody {
  resourceSpans: { scopeSpans: { spans: { name: string; droppedAttributesCount?: number }[] }[] }[];
}
function rawSpans(r: Receiver): { name: string; droppedAttributesCount?: number }[] {
  return bodies(r).flatMap((b) => b.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)));
}
function allBodies(r: Receiver): string {
  return r.requests.map((request) => request.body.toString('utf8')).join('\n');
}
function byName(spans: readonly ReceivedSpan[], name: string): ReceivedSpan {
  const span = spans.find((s) => s.name === name);
  if (!span) throw new Error(`no span named ${JSON.stringify(name)} among ${JSON.stringify(spans.map((s) => s.name))}`);
  return span;
}
function hashKey(configDir: string): Buffer {
  return Buffer.from(readFileSync(join(configDir, 'telemetry-key'), 'utf8').trim(), 'hex');
}

describe('in a BasicTracerProvider the app builds (sdk-trace-base 2.x, stock OTLP exporter)', () => {
  function appProvider(collectorUrl: string, configDir: string) {
    const telemetry = createTelemetry({
      app: { name: 'acme', version: '1.2.0' },
      endpoint: 'https://telemetry.acme.example',
      attributes: { 'cli.command': 'clear', 'project.name': 'hash' },
      consent: { enabled: true },
      configDir,
      env: {},
    });
    // What resource detectors put there, and more.
    const resource = resourceFromAttributes({
      'service.name': 'unknown_service:node',
      'host.name': 'jane-laptop',
      'host.id': 'machine-7f3a',
      'process.owner': 'jane',
      'process.command_args': ['node', 'app.js', '--token', SECRET],
      'process.executable.path': '/home/jane/.nvm/versions/node/bin/node',
      'os.type': 'linux',
    });
    const processor = telemetry.spanProcessor(new BatchSpanProcessor(new OTLPTraceExporter({ url: collectorUrl })));
    const provider = new BasicTracerProvider({ resource, sampler: telemetry.sampler(), spanProcessors: [processor] });
    return { telemetry, processor, provider, tracer: provider.getTracer('app') };
  }

  it('exports scrubbed spans: declared keys only, hash keys as keyed digests, the resource cut down', async () => {
    const r = await receiver();
    const dir = join(tempDir(), 'acme');
    const { provider, tracer } = appProvider(r.tracesUrl, dir);
    const span = tracer.startSpan('deploy jane@corp.example', {
      attributes: { 'cli.command': 'deploy', 'project.name': 'acme-web', 'user.name': 'jane', 'cli.args': `--token ${SECRET}` },
    });
    span.recordException(new Error(`login failed for jane@corp.example with password=${SECRET}`));
    span.end();
    await provider.shutdown();

    const [sent] = await r.waitFor((spans) => spans.length > 0);
    expect(sent?.name).toBe('deploy [redacted:email]');
    expect(sent?.attributes).toEqual({ 'cli.command': 'deploy', 'project.name': keyedDigest(hashKey(dir), 'acme-web') });
    expect(rawSpans(r)[0]?.droppedAttributesCount).toBe(2);
    expect(sent?.events[0]?.attributes['exception.message']).toBe('login failed for [redacted:email] with password=[redacted:secret]');
    expect(sent?.resource).toEqual({ 'service.name': 'acme', 'service.version': '1.2.0', 'os.type': 'linux' });
    const wire = allBodies(r);
    for (const leak of ['jane', 'machine-7f3a', SECRET, 'acme-web']) expect(wire).not.toContain(leak);
  });

  it('stops exporting at consent.set(false): later spans are not recorded, a span open across the "no" is withheld', async () => {
    const r = await receiver();
    const { telemetry, processor, provider, tracer } = appProvider(r.tracesUrl, join(tempDir(), 'acme'));
    tracer.startSpan('before').end();
    await provider.forceFlush();
    await r.waitFor((spans) => spans.some((s) => s.name === 'before'));
    const requestsBefore = r.requests.length;

    const open = tracer.startSpan('open across the no');
    expect(telemetry.consent.set(false).ok).toBe(true);
    const after = tracer.startSpan('after');
    expect(after.isRecording()).toBe(false);
    after.end();
    open.end();
    await provider.forceFlush();
    await provider.shutdown();

    expect(r.requests.length).toBe(requestsBefore);
    expect(r.spans.map((s) => s.name)).toEqual(['before']);
    expect(processor.withheld).toBe(1);
  });
});

// --- The NodeSDK example, installed ---------------------------------------

interface SdkLine {
  readonly title: string;
  /** Replaces the example's own versions; none: its package.json as it is. */
  readonly dependencies?: Readonly<Record<string, string>>;
  /** What `npm ls` must show, so the test is about the line it names. */
  readonly expected: Readonly<Record<string, RegExp>>;
  readonly npmFlags: readonly string[];
  /** The Node binary to run the app with. */
  readonly node: () => Promise<string>;
  readonly nodeVersion: RegExp;
}

const LINES: readonly SdkLine[] = [
  {
    title: '2.x line (the example as it is) on this Node',
    expected: {
      '@opentelemetry/sdk-node': /^0\.223\./,
      '@opentelemetry/sdk-trace': /^2\./,
      '@opentelemetry/exporter-trace-otlp-http': /^0\.223\./,
      '@opentelemetry/api': /^1\.9\./,
    },
    npmFlags: [],
    node: () => Promise.resolve(process.execPath),
    nodeVersion: /^v\d+\./,
  },
  {
    title: '3.x line on Node 24',
    dependencies: {
      '@opentelemetry/api': '~1.10.0',
      '@opentelemetry/exporter-trace-otlp-http': '^0.301.0',
      '@opentelemetry/sdk-node': '^0.301.0',
      '@opentelemetry/sdk-trace': '^3.1.0',
    },
    expected: {
      '@opentelemetry/sdk-node': /^0\.30\d\./,
      '@opentelemetry/sdk-trace': /^3\./,
      '@opentelemetry/exporter-trace-otlp-http': /^0\.30\d\./,
      '@opentelemetry/api': /^1\.10\./,
    },
    npmFlags: [],
    node: () => registryNode('24'),
    nodeVersion: /^v24\./,
  },
];

/** npm with a private HOME, and its cache under node_modules/.cache (kept between runs). */
const npm = (args: readonly string[], cwd: string): Promise<CommandResult> => runNpm(args, cwd, { cache: NPM_CACHE, timeoutMs: NPM_TIMEOUT_MS });

const cleanup: string[] = [];
afterAll(() => {
  for (const dir of cleanup.splice(0)) rmSync(dir, { recursive: true, force: true });
});

let tarball: Promise<string> | undefined;
/** optel as users get it: the built package, packed once for this file. */
function packedOptel(): Promise<string> {
  tarball ??= (async () => {
    if (!existsSync(join(ROOT, 'dist', 'index.js'))) await npm(['run', 'build'], ROOT);
    const dir = tempDir('optel-embed-pack-');
    cleanup.push(dir);
    // (--ignore-scripts: the build above is what is packed; prepack would rebuild dist/ under the other test files.)
    const [packed] = JSON.parse((await npm(['pack', '--json', '--ignore-scripts', '--pack-destination', dir], ROOT)).stdout) as { filename: string }[];
    if (!packed) throw new Error('npm pack printed no package');
    return join(dir, packed.filename);
  })();
  return tarball;
}

/** `node@<major>` from the registry, cached where `npm run test:matrix` keeps it. */
async function registryNode(major: string): Promise<string> {
  const prefix = join(NODE_CACHE, major);
  const node = join(prefix, 'node_modules', '.bin', 'node');
  if (!existsSync(node)) {
    mkdirSync(prefix, { recursive: true });
    await npm(['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', `node@${major}`], prefix);
  }
  return node;
}

/** The example in a fresh project, depending on the packed optel. */
async function installExample(line: SdkLine): Promise<string> {
  const project = tempDir('optel-embed-project-');
  cleanup.push(project);
  const manifest = JSON.parse(readFileSync(join(EXAMPLE, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  expect(manifest.dependencies['optel']).toBe('file:../..');
  manifest.dependencies = { ...manifest.dependencies, ...line.dependencies, optel: `file:${await packedOptel()}` };
  writeFileSync(join(project, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  copyFileSync(join(EXAMPLE, 'app.mjs'), join(project, 'app.mjs'));
  await npm(['install', '--no-audit', '--no-fund', '--prefer-offline', ...line.npmFlags], project);
  return project;
}

function installedVersion(project: string, name: string): string {
  return (JSON.parse(readFileSync(join(project, 'node_modules', ...name.split('/'), 'package.json'), 'utf8')) as { version: string }).version;
}

/** Any HTTP server that records what reached it: stands in for localhost:4318. */
interface RequestLog {
  readonly url: string;
  readonly port: number;
  readonly requests: string[];
  close(): Promise<void>;
}
async function requestLog(): Promise<RequestLog> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method ?? ''} ${req.url ?? ''}`);
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const log = {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  logs.push(log);
  return log;
}

for (const line of LINES) {
  describe(`the NodeSDK example, ${line.title}`, () => {
    let project = '';
    let node = '';

    beforeAll(async () => {
      [node, project] = await Promise.all([line.node(), installExample(line)]);
    }, 3 * NPM_TIMEOUT_MS + 30_000);

    /** Runs app.mjs in the project with the watcher loaded; the result and every connection it attempted. */
    async function runApp(env: Record<string, string>, script = 'app.mjs'): Promise<{ result: CommandResult; attempts: ConnectAttempt[] }> {
      const watch = netWatch();
      const result = await runCommand(node, [...watch.nodeArgs, script], { cwd: project, env: { ...env, ...watch.env }, timeoutMs: 60_000 });
      expect(result.code, describeResult(script, result)).toBe(0);
      return { result, attempts: watch.attempts() };
    }

    it('installs that line and runs on that Node', async () => {
      for (const [name, version] of Object.entries(line.expected)) expect(installedVersion(project, name), name).toMatch(version);
      const version = await runCommand(node, ['--version'], { cwd: project, env: cleanEnv(), timeoutMs: 30_000 });
      expect(version.stdout.trim()).toMatch(line.nodeVersion);
    });

    it("sends the app's spans scrubbed, and nothing else leaves the process", async () => {
      const r = await receiver();
      const decoy = await requestLog();
      const env = consentedEnv(
        {
          ACME_TELEMETRY_ENDPOINT: r.url,
          // The user's own OpenTelemetry settings, which must not change what the app sends.
          OTEL_EXPORTER_OTLP_ENDPOINT: decoy.url,
          OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer ${SECRET}`,
          OTEL_RESOURCE_ATTRIBUTES: 'host.name=jane-laptop,enduser.id=jane',
        },
        'acme',
      );
      const { result, attempts } = await runApp(env);
      expect(result.stdout).toBe('build done; spans recorded\n');

      const spans = await r.waitFor((s) => s.length >= 3);
      expect(spans.map((s) => s.name).sort()).toEqual(['build', 'publish', 'read ~/.acmerc']);
      const configDir = join(env['XDG_CONFIG_HOME'] ?? '', 'acme');
      const build = byName(spans, 'build');
      expect(build.attributes).toEqual({
        'cli.command': 'build',
        'project.name': keyedDigest(hashKey(configDir), basename(project)),
        'build.output': '[cwd]/dist',
      });
      expect(rawSpans(r).find((s) => s.name === 'build')?.droppedAttributesCount).toBe(2);

      const publish = byName(spans, 'publish');
      const message = 'PUT https://[redacted:url-credentials]@registry.acme.example/acme failed for [redacted:email]';
      expect(publish.status).toEqual({ code: 2, message });
      const exception = publish.events.find((e) => e.name === 'exception')?.attributes ?? {};
      expect(exception['exception.type']).toBe('Error');
      expect(exception['exception.message']).toBe(message);
      const stack = String(exception['exception.stacktrace']);
      expect(stack).toMatch(/^ {4}at app\.mjs:\d+:\d+$/m);
      for (const frame of stack.split('\n')) expect(frame).toMatch(/^ {4}at (?:\S.* \()?(?:app\.mjs|node_modules\/)[^ ]*\)?$/);

      for (const span of spans) {
        const context = Object.keys(span.resource).filter((key) => !/^(service\.(name|version)|telemetry\.sdk\.(name|language|version))$/.test(key));
        expect(context, span.name).toEqual([]);
        expect(span.resource['service.name']).toBe('acme');
        expect(span.resource['service.version']).toBe('1.2.0');
        for (const key of ['host.name', 'host.id', 'process.owner', 'process.command_args', 'process.pid', 'enduser.id']) expect(span.resource).not.toHaveProperty(key);
      }

      const wire = allBodies(r);
      for (const leak of ['hunter2', 'ada@example.com', project, env['HOME'] ?? '', 'jane', SECRET]) expect(wire).not.toContain(leak);
      for (const request of r.requests) expect(request.headers['authorization']).toBeUndefined();
      // One destination: the collector. Not the decoy at OTEL_EXPORTER_OTLP_ENDPOINT, not localhost:4318.
      expect(attempts.length).toBeGreaterThan(0);
      expect(attempts.filter((a) => a.port !== r.port)).toEqual([]);
      expect(decoy.requests).toEqual([]);
    });

    it('with DO_NOT_TRACK=1: the sampler records nothing, nothing is sent, no connection, no key file', async () => {
      const r = await receiver();
      const env = consentedEnv({ ACME_TELEMETRY_ENDPOINT: r.url, DO_NOT_TRACK: '1' }, 'acme');
      const { result, attempts } = await runApp(env);
      expect(result.stdout).toBe('build done; spans not recorded\n');
      expect(result.stderr).toBe('');
      expect(attempts).toEqual([]);
      expect(r.requests).toHaveLength(0);
      expect(existsSync(join(env['XDG_CONFIG_HOME'] ?? '', 'acme', 'telemetry-key'))).toBe(false);
    });

    it('on the first run in opt-out mode, stderr not a terminal: no notice (nobody could see it), nothing recorded or sent', async () => {
      const r = await receiver();
      const env = cleanEnv({ ACME_TELEMETRY_ENDPOINT: r.url });
      const { result, attempts } = await runApp(env);
      expect(result.stdout).toBe('build done; spans not recorded\n');
      expect(result.stderr).toBe('');
      expect(attempts).toEqual([]);
      expect(r.requests).toHaveLength(0);
      expect(existsSync(join(env['XDG_CONFIG_HOME'] ?? '', 'acme', 'telemetry-notice.json'))).toBe(false);
    });

    it("needs its empty metricReaders/logRecordProcessors: without them NodeSDK sends the app's metric to OTEL_EXPORTER_OTLP_ENDPOINT", async () => {
      const r = await receiver();
      const decoy = await requestLog();
      const app = readFileSync(join(project, 'app.mjs'), 'utf8');
      const without = app.replace(/^ {2}metricReaders: \[\],\n {2}logRecordProcessors: \[\],\n/m, '');
      expect(without).not.toBe(app);
      writeFileSync(join(project, 'app-without-empty-lists.mjs'), without);
      const { attempts } = await runApp(consentedEnv({ ACME_TELEMETRY_ENDPOINT: r.url, OTEL_EXPORTER_OTLP_ENDPOINT: decoy.url }, 'acme'), 'app-without-empty-lists.mjs');
      expect(decoy.requests).toContain('POST /v1/metrics');
      expect(attempts.map((a) => a.port)).toContain(decoy.port);
    });
  });
}
