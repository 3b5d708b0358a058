import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { createTelemetry, PrivacySpanProcessor } from '../../src/index.js';
import { keyedDigest } from '../../src/privacy/hash.js';
import { tempDir } from '../support/child.js';

/** An app's own SDK with optel's processor in front of an in-memory exporter. */
function appSdk(configDir: string, env: Record<string, string> = {}) {
  const telemetry = createTelemetry({
    app: { name: 'acme', version: '2.0.0' },
    endpoint: 'https://telemetry.acme.example',
    attributes: { 'cli.command': 'clear', 'project.name': 'hash' },
    consent: { enabled: true },
    configDir,
    env,
  });
  const exporter = new InMemorySpanExporter();
  const processor = telemetry.spanProcessor(new SimpleSpanProcessor(exporter));
  const resource = resourceFromAttributes({ 'service.name': 'from OTEL_SERVICE_NAME', 'host.name': 'jane-laptop', 'process.owner': 'jane', 'os.type': 'linux' });
  const provider = new BasicTracerProvider({ resource, spanProcessors: [processor] });
  const tracer = provider.getTracer('app');
  return { telemetry, exporter, processor, tracer, flush: () => processor.forceFlush() };
}

describe('telemetry.spanProcessor(next) in an app\'s own SDK', () => {
  it('is a PrivacySpanProcessor bound to the catalogue, hashing with the install key', async () => {
    const dir = join(tempDir(), 'acme');
    const { exporter, processor, tracer, flush } = appSdk(dir);
    expect(processor).toBeInstanceOf(PrivacySpanProcessor);
    tracer.startSpan('deploy jane@corp.example', { attributes: { 'cli.command': 'deploy', 'project.name': 'acme', 'user.name': 'jane' } }).end();
    await flush();
    const [span] = exporter.getFinishedSpans();
    const key = Buffer.from(readFileSync(join(dir, 'telemetry-key'), 'utf8').trim(), 'hex');
    expect(span?.name).toBe('deploy [redacted:email]');
    expect(span?.attributes).toEqual({ 'cli.command': 'deploy', 'project.name': keyedDigest(key, 'acme') });
  });

  it("replaces the resource with non-identifying keys and the app's own service name and version", async () => {
    const { exporter, tracer, flush } = appSdk(join(tempDir(), 'acme'));
    tracer.startSpan('a').end();
    tracer.startSpan('b').end();
    await flush();
    const [a, b] = exporter.getFinishedSpans();
    expect(a?.resource.attributes).toEqual({ 'service.name': 'acme', 'service.version': '2.0.0', 'os.type': 'linux' });
    expect(a?.resource).toBe(b?.resource);
  });

  it('reads or creates the key only when a span ends with telemetry on', async () => {
    const dir = join(tempDir(), 'acme');
    const { tracer } = appSdk(dir);
    const span = tracer.startSpan('x', { attributes: { 'project.name': 'acme' } });
    expect(existsSync(join(dir, 'telemetry-key'))).toBe(false);
    span.end();
    expect(existsSync(join(dir, 'telemetry-key'))).toBe(true);
  });

  it('withholds every span and touches no file while telemetry is off', async () => {
    const dir = join(tempDir(), 'acme');
    const { exporter, processor, tracer, flush } = appSdk(dir, { DO_NOT_TRACK: '1' });
    tracer.startSpan('x', { attributes: { 'project.name': 'acme' } }).end();
    await flush();
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    expect(processor.withheld).toBe(1);
    expect(existsSync(dir)).toBe(false);
  });

  it('stops passing spans on once the user says no, and forgets the deleted key', async () => {
    const dir = join(tempDir(), 'acme');
    const { telemetry, exporter, tracer, flush } = appSdk(dir);
    tracer.startSpan('before', { attributes: { 'project.name': 'acme' } }).end();
    await flush();
    telemetry.consent.set(false);
    tracer.startSpan('after', { attributes: { 'project.name': 'acme' } }).end();
    await flush();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['before']);
    expect(existsSync(join(dir, 'telemetry-key'))).toBe(false);
  });
});
