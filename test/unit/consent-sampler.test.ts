import { readdirSync } from 'node:fs';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import type { Sampler } from '@opentelemetry/sdk-trace-base';
import { AlwaysOffSampler, BasicTracerProvider, InMemorySpanExporter, SamplingDecision, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { ConsentSampler, createTelemetry } from '../../src/index.js';
import { tempDir } from '../support/child.js';

function switchable(initial: boolean): { isEnabled(): boolean; set(value: boolean): void } {
  let enabled = initial;
  return { isEnabled: () => enabled, set: (value) => (enabled = value) };
}

const ask = (sampler: Sampler): SamplingDecision => sampler.shouldSample(ROOT_CONTEXT, '0af7651916cd43dd8448eb211c80319c', 'build', 0, {}, []).decision;

describe('ConsentSampler', () => {
  it('uses the SDK\'s own decision values', () => {
    expect([SamplingDecision.NOT_RECORD, SamplingDecision.RECORD, SamplingDecision.RECORD_AND_SAMPLED]).toEqual([0, 1, 2]);
  });

  it('says NOT_RECORD while consent is off, and records and samples while it is on', () => {
    const consent = switchable(false);
    const sampler = new ConsentSampler(consent);
    expect(ask(sampler)).toBe(SamplingDecision.NOT_RECORD);
    consent.set(true);
    expect(ask(sampler)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    consent.set(false);
    expect(ask(sampler)).toBe(SamplingDecision.NOT_RECORD);
  });

  it('asks its delegate only with consent', () => {
    let asked = 0;
    const delegate: Sampler = {
      shouldSample: () => {
        asked++;
        return { decision: SamplingDecision.RECORD };
      },
      toString: () => 'Counting',
    };
    const consent = switchable(false);
    const sampler = new ConsentSampler(consent, delegate);
    expect(ask(sampler)).toBe(SamplingDecision.NOT_RECORD);
    expect(asked).toBe(0);
    consent.set(true);
    expect(ask(sampler)).toBe(SamplingDecision.RECORD);
    expect(ask(new ConsentSampler(consent, new AlwaysOffSampler()))).toBe(SamplingDecision.NOT_RECORD);
    expect(sampler.toString()).toBe('ConsentSampler{Counting}');
    expect(new ConsentSampler(consent).toString()).toBe('ConsentSampler{AlwaysOnSampler}');
  });

  it('a consent check that throws is not a yes', () => {
    const sampler = new ConsentSampler({
      isEnabled: () => {
        throw new Error('broken');
      },
    });
    expect(ask(sampler)).toBe(SamplingDecision.NOT_RECORD);
  });
});

describe("telemetry.sampler() in an app's own SDK", () => {
  it('records spans while consent is on and stops recording the moment the user says no', async () => {
    const telemetry = createTelemetry({ app: { name: 'own-sdk' }, endpoint: 'https://telemetry.invalid', configDir: tempDir(), env: {}, consent: { enabled: true } });
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ sampler: telemetry.sampler(), spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer('app');
    const before = tracer.startSpan('before');
    expect(before.isRecording()).toBe(true);
    before.end();

    expect(telemetry.consent.set(false).ok).toBe(true);
    const after = tracer.startSpan('after');
    expect(after.isRecording()).toBe(false);
    after.end();
    await provider.forceFlush();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['before']);
    await provider.shutdown();
  });

  it('records nothing on a fresh opt-in install, and creating it writes nothing', () => {
    const dir = tempDir();
    const telemetry = createTelemetry({ app: { name: 'own-sdk' }, endpoint: 'https://telemetry.invalid', configDir: dir, env: {}, consent: { default: 'opt-in' } });
    expect(ask(telemetry.sampler())).toBe(SamplingDecision.NOT_RECORD);
    expect(telemetry.consent.status().notice).toBe('not-needed');
    expect(readdirSync(dir)).toEqual([]);
  });
});
