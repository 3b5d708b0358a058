// The baseline pipeline an author would write by hand: sdk-trace-base +
// the stock OTLP/HTTP exporter, one span, shutdown() at the end.
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

const provider = new BasicTracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'bench' }),
  spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${process.env.BENCH_ENDPOINT}/v1/traces` }))],
});
const span = provider.getTracer('bench').startSpan('work', { attributes: { 'cli.command': 'work' } });
span.end();
await provider.shutdown();
