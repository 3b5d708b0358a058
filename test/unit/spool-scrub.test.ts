import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { rescrubPendingBody, SPOOL_LIMITS } from '../../src/pipeline/spool-scrub.js';
import type { PrivacyPolicy } from '../../src/privacy/scrub-span.js';
import { pendingBody } from '../support/hostile.js';

const policy: PrivacyPolicy = { catalogue: { 'cli.command': 'clear', 'project.name': 'hash' }, hashKey: new Uint8Array(32) };
const keep = (spans: ReadableSpan[]): Uint8Array => Buffer.from(JSON.stringify(spans.map((span) => ({ name: span.name, attributes: span.attributes, resource: span.resource.attributes }))));
const decoded = (body: Uint8Array | undefined) => JSON.parse(Buffer.from(body ?? new Uint8Array()).toString()) as { name: string; attributes: Record<string, unknown>; resource: Record<string, unknown> }[];

describe('re-scrubbing a pending record', () => {
  it('drops undeclared keys and unknown resource keys, digests plain text under a hash key, keeps a digest as it is', () => {
    const digest = '0123456789abcdef';
    const body = Buffer.from(pendingBody({ name: 'old', attributes: { 'cli.command': 'x', 'not.declared': 'y', 'project.name': 'plain' }, resource: { 'service.name': 'demo', 'host.name': 'box' } }));
    const result = rescrubPendingBody(body, policy, keep);
    expect(result).toMatchObject({ kept: 1, dropped: 0 });
    const [span] = decoded(result.body);
    expect(span?.attributes).not.toHaveProperty('not.declared');
    expect(span?.attributes['project.name']).toMatch(/^[0-9a-f]{16}$/);
    expect(span?.resource).toEqual({ 'service.name': 'demo' });
    const again = rescrubPendingBody(Buffer.from(pendingBody({ name: 'old', attributes: { 'project.name': digest }, resource: {} })), policy, keep);
    expect(decoded(again.body)[0]?.attributes['project.name']).toBe(digest);
  });

  it('drops and counts what is not OTLP: not JSON, bad ids, spans past the limit', () => {
    expect(rescrubPendingBody(Buffer.from('not json'), policy, keep)).toMatchObject({ body: undefined, dropped: 1 });
    const bad = JSON.parse(pendingBody({ name: 'x', attributes: {}, resource: {} })) as { resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[] };
    const spans = bad.resourceSpans[0]?.scopeSpans[0]?.spans ?? [];
    const good = spans[0] ?? {};
    spans.push({ ...good, traceId: 'nope' });
    for (let i = 0; i < SPOOL_LIMITS.spans; i++) spans.push(good);
    const result = rescrubPendingBody(Buffer.from(JSON.stringify(bad)), policy, keep);
    expect(result.kept).toBe(SPOOL_LIMITS.spans - 1);
    expect(result.dropped).toBe(3); // the bad one, and the two past the limit
  });
});
