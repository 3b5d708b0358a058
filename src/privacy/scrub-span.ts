import type { Attributes, AttributeValue, Link } from '@opentelemetry/api';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import type { AttributeCatalogue } from '../options.js';
import { EXCEPTION_EVENT_KEYS, treatmentOf } from './catalogue.js';
import { keyedDigest } from './hash.js';

export interface PrivacyPolicy {
  readonly catalogue: AttributeCatalogue;
  readonly hashKey: Uint8Array;
}

interface FilteredAttributes {
  readonly attributes: Attributes;
  readonly dropped: number;
}

/**
 * Builds the copy of an ended span that may leave the process: only declared
 * attribute keys (hashed where declared `hash`), exception events reduced to
 * their type, no status message. The live span is never touched, since other
 * processors may hold it.
 */
export function scrubSpan(span: ReadableSpan, policy: PrivacyPolicy): ReadableSpan {
  const own = filterAttributes(span.attributes, policy);
  const events = span.events.map((event) => scrubEvent(event, policy));
  const links = span.links.map((link): Link => ({ ...link, attributes: filterAttributes(link.attributes ?? {}, policy).attributes }));
  const spanContext = span.spanContext();
  const copy: ReadableSpan = {
    name: span.name,
    kind: span.kind,
    spanContext: () => spanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    status: { code: span.status.code },
    attributes: own.attributes,
    links,
    events,
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount + own.dropped,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
    ...(span.parentSpanContext ? { parentSpanContext: span.parentSpanContext } : {}),
  };
  return copy;
}

function scrubEvent(event: TimedEvent, policy: PrivacyPolicy): TimedEvent {
  const source = event.attributes ?? {};
  let attributes: Attributes;
  if (event.name === 'exception') {
    attributes = {};
    for (const key of EXCEPTION_EVENT_KEYS) {
      const value = source[key];
      if (value !== undefined) attributes[key] = value;
    }
  } else {
    attributes = filterAttributes(source, policy).attributes;
  }
  return {
    name: event.name,
    time: event.time,
    attributes,
    ...(event.droppedAttributesCount === undefined ? {} : { droppedAttributesCount: event.droppedAttributesCount }),
  };
}

function filterAttributes(source: Attributes, policy: PrivacyPolicy): FilteredAttributes {
  const attributes: Attributes = {};
  let dropped = 0;
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (value === undefined) continue;
    switch (treatmentOf(policy.catalogue, key)) {
      case 'optel':
      case 'clear':
        attributes[key] = value;
        break;
      case 'hash':
        attributes[key] = hashValue(value, policy.hashKey);
        break;
      case 'drop':
        dropped++;
        break;
    }
  }
  return { attributes, dropped };
}

function hashValue(value: AttributeValue, key: Uint8Array): AttributeValue {
  if (Array.isArray(value)) {
    return value.map((element) => (element === null || element === undefined ? element : keyedDigest(key, element))) as string[];
  }
  return keyedDigest(key, value as string | number | boolean);
}
