// An app that runs its own OpenTelemetry SDK (NodeSDK), with optel in it:
// the app's own spans get optel's consent check and scrubbing before they
// leave. See README.md in this folder.
//
//   npm install
//   npx optel receive --port 4318        (in another terminal)
//   ACME_TELEMETRY_ENDPOINT=http://127.0.0.1:4318 node app.mjs
//   DO_NOT_TRACK=1 node app.mjs          (nothing is recorded, nothing is sent)
import { homedir, userInfo } from 'node:os';
import { basename, join } from 'node:path';
import { metrics, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
// `@opentelemetry/sdk-trace` exists on both the 2.x and the 3.x line; on 2.x,
// `@opentelemetry/sdk-trace-base` has the same processor as
// `new BatchSpanProcessor(exporter)`.
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace';
import { createTelemetry } from 'optel';

const telemetry = createTelemetry({
  app: { name: 'acme', version: '1.2.0' },
  endpoint: 'https://telemetry.acme.example',
  // The catalogue: the only span attribute keys that may leave this process.
  attributes: {
    'cli.command': 'clear',
    'build.output': 'clear',
    'project.name': 'hash',
  },
  consent: { default: 'opt-out' },
});

// The app's own exporter, to the app's collector (ACME_TELEMETRY_ENDPOINT:
// the same variable optel's own records honour, for the user's own collector).
// The stock exporter merges the user's OTEL_EXPORTER_OTLP_* settings into its
// own (a corporate token in OTEL_EXPORTER_OTLP_HEADERS would reach the app's
// collector); they are for the user's own telemetry, so it is built without.
const endpoint = process.env.ACME_TELEMETRY_ENDPOINT || 'https://telemetry.acme.example';
const exporter = withoutUserExporterEnv(() => new OTLPTraceExporter({ url: `${endpoint}/v1/traces` }));

const sdk = new NodeSDK({
  // No resource detectors: they read the host name and id, the process
  // owner, the command line and OTEL_RESOURCE_ATTRIBUTES. (optel's processor
  // also drops those keys from whatever resource the SDK builds.)
  resourceDetectors: [],
  // No metrics and no logs pipeline. Without these two lines NodeSDK sends
  // whatever the app or its libraries record through the metrics and logs
  // APIs to OTEL_EXPORTER_OTLP_ENDPOINT, by default http://localhost:4318.
  metricReaders: [],
  logRecordProcessors: [],
  // Consent: while any source says no, spans are not even recorded.
  sampler: telemetry.sampler(),
  // Scrubbing: the exporter's processor only ever sees scrubbed copies.
  spanProcessors: [telemetry.spanProcessor(new BatchSpanProcessor({ exporter }))],
});
sdk.start();

// The app's own instrumentation, through the OpenTelemetry API as usual,
// recording more than it should.
const tracer = trace.getTracer('acme');
let recorded = false;
await tracer.startActiveSpan('build', { attributes: { 'cli.command': 'build' } }, async (span) => {
  recorded = span.isRecording();
  span.setAttributes({
    'project.name': basename(process.cwd()), // declared `hash`: leaves as a keyed digest
    'build.output': join(process.cwd(), 'dist'), // declared `clear`: the working directory becomes [cwd]
    'cli.args': process.argv.slice(2).join(' '), // not declared: dropped
    'user.name': userInfo().username, // not declared: dropped
  });
  // The span name is scrubbed too: the home directory becomes ~.
  tracer.startActiveSpan(`read ${join(homedir(), '.acmerc')}`, (read) => read.end());
  await tracer.startActiveSpan('publish', async (publish) => {
    const error = new Error('PUT https://ada:hunter2@registry.acme.example/acme failed for ada@example.com');
    publish.recordException(error); // message scrubbed; stack frames kept only inside the app and its packages, as relative paths
    publish.setStatus({ code: SpanStatusCode.ERROR, message: error.message }); // scrubbed
    publish.end();
  });
  span.end();
});

// A metric, as the app or any library in it may record: with no metric
// reader configured, it goes nowhere.
metrics.getMeter('acme').createCounter('acme.builds').add(1, { 'user.name': userInfo().username });

console.log(`build done; spans ${recorded ? 'recorded' : 'not recorded'}`);
// Flushes what is queued (bounded by the exporter's timeout) and stops the SDK.
await sdk.shutdown();

/** Calls `create` with the OTEL_EXPORTER_OTLP_* variables hidden (the exporter reads them when created). */
function withoutUserExporterEnv(create) {
  const saved = Object.entries(process.env).filter(([key]) => key.startsWith('OTEL_EXPORTER_OTLP_'));
  for (const [key] of saved) delete process.env[key];
  try {
    return create();
  } finally {
    for (const [key, value] of saved) process.env[key] = value;
  }
}
