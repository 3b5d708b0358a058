import type { ReceivedSpan } from '../../src/receiver/spans.js';

/** The `started` records a collector received for the command named `name`. */
export function startedRecords(spans: readonly ReceivedSpan[], name?: string): ReceivedSpan[] {
  return spans.filter((s) => s.attributes['optel.lifecycle'] === 'started' && (name === undefined || s.name === name));
}

/** The `completed` records a collector received for the command named `name`. */
export function completedRecords(spans: readonly ReceivedSpan[], name?: string): ReceivedSpan[] {
  return spans.filter((s) => s.attributes['optel.lifecycle'] === 'completed' && (name === undefined || s.name === name));
}

/** True once both the started and the completed record of `name` arrived. */
export function hasStartedAndCompleted(name: string): (spans: readonly ReceivedSpan[]) => boolean {
  return (spans) => startedRecords(spans, name).length > 0 && completedRecords(spans, name).length > 0;
}
