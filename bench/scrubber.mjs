// In-process cost of the privacy processor, next to the same spans through a
// bare processor: a 1 MB adversarial value (as an attribute, a span name and
// an exception message and stack), and a typical command span.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createTelemetry } from 'optel';

const MB = 1 << 20;
const fill = (unit) => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);

/** Inputs that make naive patterns backtrack: long runs, and near-misses of what the rules look for. */
export const ADVERSARIAL = {
  'one character': fill('a'),
  'near-miss emails': fill('jane.doe@corp.example-'),
  'near-miss tokens': fill('ghp_A1b2C3 xoxb-12 AKIA12 eyJhbGci. sk-proj- '),
  'near-miss cards and IPs': fill('4111 1111 1111 203.0.113 2001:db8: 00:1a:2b '),
  'near-miss paths and keys': fill('/home/ password token= Bearer -----BEGIN PRIVATE KEY----- '),
  'near-miss key/value syntaxes': fill('apiToken := <add key="password" value=<secretKey a="b" machine x login y -u x:  BUNDLE_A__B= '),
  'near-miss provider tokens': fill('hf_a gsk_ tskey- AGE-SECRET-KEY-1 ABSK dp.st. SG.a. ey.eyJ lin_api_ sk-or- '),
  'deep path segments': fill('/a/b/c/d/e/f/g/h/i/j/home/C:\\x\\y\\Users ¥a¥b¥Users'),
};

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function privacyTelemetry() {
  return createTelemetry({
    app: { name: 'bench', version: '1.0.0' },
    endpoint: 'https://telemetry.invalid',
    attributes: { 'cli.command': 'clear', 'cli.note': 'clear', 'project.name': 'hash' },
    consent: { enabled: true },
    configDir: mkdtempSync(join(tmpdir(), 'optel-bench-')),
    env: {},
  });
}

function tracerWith(wrap) {
  const exporter = new InMemorySpanExporter();
  const processor = wrap(new SimpleSpanProcessor(exporter));
  const provider = new BasicTracerProvider({ spanProcessors: [processor] });
  return { tracer: provider.getTracer('bench'), exporter, processor };
}

/** Milliseconds for one span carrying `value` everywhere a value can go, median of `runs`. */
function timeValue(wrap, value, runs) {
  const { tracer, exporter } = tracerWith(wrap);
  const times = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const span = tracer.startSpan(value, { attributes: { 'cli.command': 'build', 'cli.note': value, 'project.name': value } });
    span.recordException({ name: 'Error', message: value, stack: value });
    span.end();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    // A figure for a span that was never passed on would measure nothing.
    if (exporter.getFinishedSpans().length !== 1) throw new Error('the span did not reach the exporter within the measured time');
    exporter.reset();
  }
  return median(times);
}

/**
 * Microseconds per typical command span, median of batches. One clear value
 * is new on every span, so the scrubber's memo of recent values only helps
 * where real commands repeat themselves (name, command, project).
 */
function timeTypical(wrap, batches, perBatch) {
  const { tracer, exporter } = tracerWith(wrap);
  const times = [];
  for (let b = 0; b < batches; b++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < perBatch; i++) {
      const note = `deploy --prod to eu-west-1 #${b}-${i}`;
      const span = tracer.startSpan('build', { attributes: { 'cli.command': 'build', 'cli.note': note, 'project.name': 'acme', 'optel.lifecycle': 'completed' } });
      span.addEvent('cache.miss', { 'cli.command': 'build' });
      span.end();
    }
    times.push(Number(process.hrtime.bigint() - started) / 1e3 / perBatch);
    if (exporter.getFinishedSpans().length !== perBatch) throw new Error('spans did not reach the exporter within the measured time');
    exporter.reset();
  }
  return median(times);
}

export async function scrubberCost({ runs = 21 } = {}) {
  const telemetry = privacyTelemetry();
  const privacy = (next) => telemetry.spanProcessor(next);
  const bare = (next) => next;
  // The scrubber loads with the first span that needs it; from then on every
  // processor scrubs synchronously, inside the measured time.
  const first = tracerWith(privacy);
  first.tracer.startSpan('load').end();
  await first.processor.forceFlush();
  if (first.exporter.getFinishedSpans().length !== 1) throw new Error('the privacy processor passed nothing on; is telemetry off here?');
  // Warm both paths up (first key read, JIT) before measuring.
  timeValue(privacy, ADVERSARIAL['one character'], 3);
  timeTypical(privacy, 2, 2000);
  timeTypical(bare, 2, 2000);
  const shapes = Object.entries(ADVERSARIAL).map(([shape, value]) => ({ shape, privacy: timeValue(privacy, value, runs), bare: timeValue(bare, value, runs) }));
  const worst = shapes.reduce((a, b) => (b.privacy > a.privacy ? b : a));
  return {
    shapes,
    worst,
    typical: { privacy: timeTypical(privacy, 15, 5000), bare: timeTypical(bare, 15, 5000) },
  };
}
