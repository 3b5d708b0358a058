/**
 * Trace and span ids in OTLP/JSON.
 *
 * The OTLP/JSON spec says hex, and the JS exporter sends hex; the generic
 * protobuf JSON mapping (used by some other senders) says base64 for bytes.
 * Both are accepted and normalized to lowercase hex, the form every
 * OpenTelemetry API prints. Ids of the wrong length are rejected: a receiver
 * used to check instrumentation should not quietly accept a broken one.
 */

import { preview } from './json-shape.js';

export const TRACE_ID_BYTES = 16;
export const SPAN_ID_BYTES = 8;

const HEX = /^[0-9a-fA-F]+$/;
// Standard or URL-safe alphabet, padding optional.
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

export function normalizeId(value: unknown, byteLength: number, path: string): string {
  if (typeof value === 'string') {
    if (value.length === byteLength * 2 && HEX.test(value)) {
      return value.toLowerCase();
    }
    if (BASE64.test(value)) {
      const bytes = Buffer.from(value, 'base64');
      if (bytes.length === byteLength) return bytes.toString('hex');
    }
  }
  throw new Error(`${path}: expected a ${byteLength}-byte id as hex or base64, got ${preview(value)}`);
}
