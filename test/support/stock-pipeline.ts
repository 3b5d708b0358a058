/**
 * A tracing pipeline built only from stock OpenTelemetry JS parts
 * (BasicTracerProvider → BatchSpanProcessor → OTLP/HTTP exporter), pointed at
 * a receiver. Every export result is recorded, so a test can check that the
 * exporter itself accepted the receiver's responses.
 */
import type { ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { AlwaysOnSampler, BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Attributes } from '@opentelemetry/api';

export type Encoding = 'json' | 'protobuf';
export type Compression = 'none' | 'gzip';

type ExporterConfig = NonNullable<ConstructorParameters<typeof JsonTraceExporter>[0]>;

export interface StockPipeline {
  readonly provider: BasicTracerProvider;
  readonly results: ExportResult[];
  /** Flushes pending spans; resolves once the exporter has its responses. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export function createStockExporter(tracesUrl: string, encoding: Encoding, compression: Compression): SpanExporter {
  const config: ExporterConfig = {
    url: tracesUrl,
    // The option is typed as an enum the exporter packages do not re-export;
    // its values are these strings.
    compression: compression as NonNullable<ExporterConfig['compression']>,
    timeoutMillis: 10_000,
  };
  return encoding === 'json' ? new JsonTraceExporter(config) : new ProtobufTraceExporter(config);
}

export function createStockPipeline(options: {
  tracesUrl: string;
  encoding: Encoding;
  compression: Compression;
  resource: Attributes;
}): StockPipeline {
  const exporter = createStockExporter(options.tracesUrl, options.encoding, options.compression);
  const results: ExportResult[] = [];
  const recording: SpanExporter = {
    export(spans: ReadableSpan[], done: (result: ExportResult) => void) {
      exporter.export(spans, (result) => {
        results.push(result);
        done(result);
      });
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(options.resource),
    sampler: new AlwaysOnSampler(),
    spanProcessors: [new BatchSpanProcessor(recording)],
  });
  return {
    provider,
    results,
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
