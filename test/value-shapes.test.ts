/**
 * A clear value may declare its shape (`values`, `pattern`, `maxLength`):
 * what fits leaves, anything else leaves as `[other]`, whatever it holds;
 * describe() lists each key's allowed values or shape; a pattern that could
 * take more than linear time is refused and its key fails closed.
 */
import { join } from 'node:path';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it, vi } from 'vitest';
import { createTelemetry } from '../src/index.js';
import type { TelemetryOptions } from '../src/config/options.js';
import { tempDir } from './support/child.js';
import { hostileCorpus } from './support/hostile.js';
import { secretCorpus } from './support/secret-corpus.js';

const DECLARED: NonNullable<TelemetryOptions['attributes']> = {
  'cli.command': { treatment: 'clear', description: 'the subcommand', values: ['build', 'deploy', 'init'] },
  'cli.flags': { treatment: 'clear', values: ['--prod', '--watch'] },
  'build.target': { treatment: 'clear', pattern: /[a-z0-9-]{1,24}/ },
  'build.region': { treatment: 'clear', pattern: '(?:eu|us|ap)-[a-z]+-[0-9]', maxLength: 16 },
  'cli.note': { treatment: 'clear', maxLength: 12 },
  'build.workers': { treatment: 'clear', values: [1, 2, 4, 8] },
  'cli.free': 'clear',
};

function appSdk(attributes: NonNullable<TelemetryOptions['attributes']> = DECLARED) {
  const stderr = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
  const telemetry = createTelemetry({
    app: { name: 'acme', version: '1.0.0' },
    endpoint: 'https://telemetry.example.com',
    attributes,
    consent: { enabled: true },
    configDir: join(tempDir(), 'acme'),
    env: {},
  });
  stderr.mockRestore();
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [telemetry.spanProcessor(new SimpleSpanProcessor(exporter))] });
  return { telemetry, exporter, tracer: provider.getTracer('acme'), flush: () => provider.forceFlush() };
}

async function sent(attributes: Record<string, string | number | boolean | string[] | number[]>, declared?: NonNullable<TelemetryOptions['attributes']>) {
  const { exporter, tracer, flush } = appSdk(declared);
  const span = tracer.startSpan('cmd');
  span.setAttributes(attributes);
  span.addEvent('step', attributes);
  span.end();
  await flush();
  const [out] = exporter.getFinishedSpans();
  expect(out?.events[0]?.attributes).toEqual(out?.attributes);
  return out?.attributes ?? {};
}

describe('declared shapes of clear values, through telemetry.spanProcessor()', () => {
  it('a listed value leaves as it is; anything else leaves as [other]', async () => {
    const out = await sent({ 'cli.command': 'deploy', 'cli.flags': ['--prod', '--token=abc', '--watch'], 'build.workers': 4 });
    expect(out).toEqual({ 'cli.command': 'deploy', 'cli.flags': ['--prod', '[other]', '--watch'], 'build.workers': 4 });
    expect(await sent({ 'cli.command': 'deploy --prod', 'build.workers': 3 })).toEqual({ 'cli.command': '[other]', 'build.workers': '[other]' });
  });

  it('for a key with listed values, no secret of either corpus gets through, not even as a scrubbed marker', async () => {
    const planted = [...Object.values(hostileCorpus()).map((p) => p.value), ...secretCorpus(1).map((s) => s.text)];
    const { exporter, tracer, flush } = appSdk();
    for (const value of planted) tracer.startSpan('cmd', { attributes: { 'cli.command': value } }).end();
    await flush();
    const values = new Set(exporter.getFinishedSpans().map((s) => s.attributes['cli.command']));
    expect(values).toEqual(new Set(['[other]']));
  });

  it('a pattern must match the whole value, within maxLength (256 by default); what matches is still scrubbed', async () => {
    expect(await sent({ 'build.target': 'linux-x64', 'build.region': 'eu-west-1' })).toEqual({ 'build.target': 'linux-x64', 'build.region': 'eu-west-1' });
    // Unanchored in the declaration, anchored when applied: a value merely containing a match does not pass.
    expect(await sent({ 'build.target': 'linux x64', 'build.region': 'eu-west-1 and more' })).toEqual({ 'build.target': '[other]', 'build.region': '[other]' });
    expect(await sent({ 'build.target': 'a'.repeat(25) })).toEqual({ 'build.target': '[other]' });
    const lowerToken = 'k3j5h7g9f2d4s6a8q1w3e5r7';
    expect(await sent({ 'build.target': lowerToken })).toEqual({ 'build.target': '[redacted:token]' });
  });

  it('maxLength alone bounds a free value, which is still scrubbed', async () => {
    expect(await sent({ 'cli.note': 'short note' })).toEqual({ 'cli.note': 'short note' });
    expect(await sent({ 'cli.note': 'a note that is far too long' })).toEqual({ 'cli.note': '[other]' });
    expect(await sent({ 'cli.note': '10.1.2.3' })).toEqual({ 'cli.note': '[redacted:ip]' });
  });

  it('an undeclared shape leaves the generic scrubber as the only net', async () => {
    expect(await sent({ 'cli.free': 'deploy --prod' })).toEqual({ 'cli.free': 'deploy --prod' });
  });

  it('a pattern that could backtrack exponentially is refused, reported, and its key leaves only [other]', async () => {
    const declared: NonNullable<TelemetryOptions['attributes']> = {
      'a.nested': { treatment: 'clear', pattern: '(a+)+b' },
      'a.backref': { treatment: 'clear', pattern: /(\w+)-\1/ },
      'a.invalid': { treatment: 'clear', pattern: '(' },
      'a.length': { treatment: 'clear', maxLength: -1 },
      'a.hashed': { treatment: 'hash', values: ['x'] },
    };
    const { telemetry } = appSdk(declared);
    const messages = telemetry.diagnostics().map((d) => d.message).join('\n');
    for (const key of ['a.nested', 'a.backref', 'a.invalid', 'a.length', 'a.hashed']) expect(messages).toContain(`attribute "${key}"`);
    const started = process.hrtime.bigint();
    const out = await sent({ 'a.nested': `${'a'.repeat(40)}c`, 'a.backref': 'ab-ab', 'a.invalid': '(', 'a.length': '' }, declared);
    expect(out).toEqual({ 'a.nested': '[other]', 'a.backref': '[other]', 'a.invalid': '[other]', 'a.length': '[other]' });
    // A hang guard, not a timing threshold: (a+)+b on 40 a's would take minutes.
    expect(Number(process.hrtime.bigint() - started) / 1e9).toBeLessThan(30);
  });
});

describe("describe() lists each key's allowed values or shape", () => {
  it('in markdown, in the "sent as" column', () => {
    const { telemetry } = appSdk();
    const markdown = telemetry.describe({ format: 'markdown' });
    expect(markdown).toContain('| `cli.command` | one of `build`, `deploy`, `init`; anything else as `[other]` | the subcommand |');
    expect(markdown).toContain('| `build.region` | any value matching `(?:eu\\|us\\|ap)-[a-z]+-[0-9]` and of at most 16 characters; anything else as `[other]` |  |');
    expect(markdown).toContain('| `build.target` | any value matching `[a-z0-9-]{1,24}` and of at most 256 characters; anything else as `[other]` |  |');
    expect(markdown).toContain('| `cli.note` | any value of at most 12 characters; anything else as `[other]` |  |');
    expect(markdown).toContain('| `cli.free` | as is, scrubbed |  |');
  });

  it('in JSON, as `allowed` next to each shaped key', () => {
    const { telemetry } = appSdk();
    const doc = JSON.parse(telemetry.describe({ format: 'json' })) as { attributes: { key: string; allowed?: string }[] };
    const allowed = Object.fromEntries(doc.attributes.map((a) => [a.key, a.allowed]));
    expect(allowed['build.workers']).toBe('one of `1`, `2`, `4`, `8`; anything else as `[other]`');
    expect(allowed['cli.free']).toBeUndefined();
  });
});
