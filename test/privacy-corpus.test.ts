/**
 * Recall and precision of the scrubber on corpora drawn at random on every
 * run (test/support/secret-corpus.ts), each sample placed four ways (a
 * declared clear attribute, the span name, an exception message, an event
 * attribute) and sent through `telemetry.spanProcessor()`, as an app's own
 * SDK would. Prints the size and rate of each kind.
 */
import { arch, release, type } from 'node:os';
import { join } from 'node:path';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { createTelemetry } from '../src/index.js';
import { tempDir } from './support/child.js';
import type { HarmlessSample, SecretSample } from './support/secret-corpus.js';
import { harmlessCorpus, leaks, secretCorpus } from './support/secret-corpus.js';

const PLACEMENTS = ['clear attribute', 'span name', 'exception message', 'event attribute'] as const;
type Placement = (typeof PLACEMENTS)[number];

/** Spans sent per processor: it holds at most 2048 waiting for the key, the first time. */
const CHUNK = 1000;

/** Sends each text once, in all four places, and returns what left for each place. */
async function throughProcessor(texts: readonly string[]): Promise<Record<Placement, string>[]> {
  const out: Record<Placement, string>[] = [];
  for (let i = 0; i < texts.length; i += CHUNK) out.push(...(await throughOneProcessor(texts.slice(i, i + CHUNK))));
  return out;
}

async function throughOneProcessor(texts: readonly string[]): Promise<Record<Placement, string>[]> {
  const telemetry = createTelemetry({
    app: { name: 'corpus', version: '1.0.0' },
    endpoint: 'https://telemetry.example.com',
    attributes: { 'plant.value': 'clear' },
    consent: { enabled: true },
    configDir: join(tempDir(), 'corpus'),
    env: {},
  });
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [telemetry.spanProcessor(new SimpleSpanProcessor(exporter))] });
  const tracer = provider.getTracer('corpus');
  for (const text of texts) {
    const span = tracer.startSpan(text, { attributes: { 'plant.value': text } });
    span.recordException({ name: 'Error', message: text });
    span.addEvent('note', { 'plant.value': text });
    span.end();
  }
  await provider.forceFlush();
  const spans = exporter.getFinishedSpans();
  expect(spans).toHaveLength(texts.length);
  return spans.map(placesOf);
}

function placesOf(span: ReadableSpan): Record<Placement, string> {
  const exception = span.events.find((e) => e.name === 'exception');
  const note = span.events.find((e) => e.name === 'note');
  return {
    'clear attribute': String(span.attributes['plant.value']),
    'span name': span.name,
    'exception message': String(exception?.attributes?.['exception.message']),
    'event attribute': String(note?.attributes?.['plant.value']),
  };
}

interface Tally {
  samples: number;
  hits: number;
}

function percent(hits: number, of: number): string {
  return `${((100 * hits) / Math.max(1, of)).toFixed(2)}%`;
}

function table(title: string, rate: string, byKind: Map<string, Tally>, placements: number): string {
  const rows = [...byKind.entries()].sort(([a], [b]) => a.localeCompare(b));
  const total = rows.reduce((sum, [, t]) => ({ samples: sum.samples + t.samples, hits: sum.hits + t.hits }), { samples: 0, hits: 0 });
  return [
    `${title} (${placements} placements each)`,
    `| kind | samples | ${rate} |`,
    '|---|---|---|',
    ...rows.map(([kind, t]) => `| ${kind} | ${t.samples} | ${t.hits} (${percent(t.hits, t.samples * placements)}) |`),
    `| all | ${total.samples} | ${total.hits} (${percent(total.hits, total.samples * placements)}) |`,
  ].join('\n');
}

function count(byKind: Map<string, Tally>, kind: string, hits: number): void {
  const tally = byKind.get(kind) ?? { samples: 0, hits: 0 };
  tally.samples++;
  tally.hits += hits;
  byKind.set(kind, tally);
}

describe('the scrubber on corpora drawn at random from public formats, placed four ways', () => {
  it('leaks none of the secrets, tokens and home paths of the secret corpus, in any placement', async () => {
    const corpus: SecretSample[] = secretCorpus(3);
    const sent = await throughProcessor(corpus.map((s) => s.text));
    const byKind = new Map<string, Tally>();
    const leaked: string[] = [];
    corpus.forEach((sample, i) => {
      const places = sent[i] as Record<Placement, string>;
      let hits = 0;
      for (const placement of PLACEMENTS) {
        if (sample.needles.some((needle) => leaks(places[placement], needle))) {
          hits++;
          if (placement === 'clear attribute' || hits === 1) leaked.push(`${sample.kind} / ${sample.form} / ${placement}: ${JSON.stringify(sample.text)} -> ${JSON.stringify(places[placement])}`);
        }
      }
      count(byKind, sample.kind, hits);
    });
    console.log(table('Secret corpus: leaks', 'leaked', byKind, PLACEMENTS.length));
    expect(corpus.length).toBeGreaterThan(2000);
    expect(leaked.slice(0, 40)).toEqual([]);
  });

  it('leaves every value of the harmless corpus exactly as it was, in every placement', async () => {
    const corpus: HarmlessSample[] = harmlessCorpus(5);
    const sent = await throughProcessor(corpus.map((s) => s.text));
    const byKind = new Map<string, Tally>();
    const altered: string[] = [];
    corpus.forEach((sample, i) => {
      const places = sent[i] as Record<Placement, string>;
      let hits = 0;
      for (const placement of PLACEMENTS) {
        if (places[placement] !== sample.text) {
          hits++;
          altered.push(`${sample.kind} / ${placement}: ${JSON.stringify(sample.text)} -> ${JSON.stringify(places[placement])}`);
        }
      }
      count(byKind, sample.kind, hits);
    });
    console.log(table('Harmless corpus: over-redaction', 'altered', byKind, PLACEMENTS.length));
    expect(corpus.length).toBeGreaterThan(500);
    expect(altered.slice(0, 40)).toEqual([]);
  });
});

describe("optel's own context values", () => {
  it('leave unaltered: os type and version (also WSL and cloud kernels), runtime, architecture', async () => {
    const contexts = [
      { 'os.type': type(), 'os.version': release(), 'host.arch': arch(), 'process.runtime.name': 'nodejs', 'process.runtime.version': process.versions.node },
      { 'os.type': 'linux', 'os.version': '5.15.153.1-microsoft-standard-WSL2', 'process.runtime.version': '20.11.1' },
      { 'os.type': 'linux', 'os.version': '6.1.0-1028-azure', 'process.runtime.version': '22.3.0' },
      { 'os.type': 'linux', 'os.version': '5.10.227-219.884.amzn2.x86_64' },
      { 'os.type': 'windows', 'os.version': '10.0.22631' },
      { 'os.type': 'darwin', 'os.version': '23.6.0', 'host.arch': 'arm64' },
    ];
    for (const context of contexts) {
      const telemetry = createTelemetry({
        app: { name: 'corpus', version: '1.0.0' },
        endpoint: 'https://telemetry.example.com',
        consent: { enabled: true },
        configDir: join(tempDir(), 'corpus'),
        env: {},
      });
      const exporter = new InMemorySpanExporter();
      const provider = new BasicTracerProvider({ resource: resourceFromAttributes(context), spanProcessors: [telemetry.spanProcessor(new SimpleSpanProcessor(exporter))] });
      provider.getTracer('corpus').startSpan('build').end();
      await provider.forceFlush();
      const [span] = exporter.getFinishedSpans();
      expect(span?.resource.attributes).toEqual({ 'service.name': 'corpus', 'service.version': '1.0.0', ...context });
    }
  });
});
