/**
 * One optel command record, reduced to what the report counts. Both input
 * formats (optel receive's JSON lines and the Collector's file exporter) end
 * up as these, so aggregation never sees where a span came from.
 */
import type { Outcome } from './wire-keys.js';

export interface CommandRecord {
  readonly lifecycle: 'started' | 'completed';
  /** The command's name (the span name), prefixed by the service when a file mixes apps. */
  readonly service: string;
  readonly command: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  /** Milliseconds since the epoch. */
  readonly startMs: number;
  /** Wall duration in milliseconds (completed records only; 0 for started). */
  readonly durationMs: number;
  /** Completed records only. */
  readonly outcome: Outcome | undefined;
  readonly errorType: string | undefined;
  /** From the resource; undefined when the app sends no install id. */
  readonly installId: string | undefined;
  readonly version: string;
  readonly os: string;
  readonly runtime: string;
  readonly ci: string;
}
