/**
 * Finds the commands that started and never completed (killed, crashed, or
 * still running when the file ended).
 *
 * A started record is a child of its command span in the same trace, so it
 * is matched by (trace id, parent span id) against the completed record's
 * (trace id, span id). Files are in arrival order: a started record normally
 * comes first and waits here until its completed record arrives, so what is
 * held is the commands in flight plus the ones that never completed. A
 * completed record that arrives first (a `started` sent late) waits in a
 * second table for its started record.
 *
 * Both tables are bounded (`window` entries each, ~300 bytes an entry); past
 * that the oldest entry leaves: a started record leaving unmatched is counted
 * as killed (what it most likely is, that long after), a completed record
 * leaving unmatched is forgotten. Each such eviction is counted, so the page
 * can say by how much the killed figure could be off.
 */
export class KilledMatcher<Payload> {
  private readonly waitingStarts = new Map<string, Payload>();
  private readonly earlyCompletions = new Set<string>();
  private evictedStarts = 0;
  private evictedCompletions = 0;

  constructor(
    private readonly onKilled: (payload: Payload) => void,
    private readonly window = 200_000,
  ) {}

  started(traceId: string, commandSpanId: string, payload: Payload): void {
    const key = traceId + commandSpanId;
    if (this.earlyCompletions.delete(key)) return;
    this.waitingStarts.set(key, payload);
    if (this.waitingStarts.size > this.window) {
      const [oldestKey, oldest] = this.waitingStarts.entries().next().value as [string, Payload];
      this.waitingStarts.delete(oldestKey);
      this.evictedStarts += 1;
      this.onKilled(oldest);
    }
  }

  completed(traceId: string, spanId: string): void {
    const key = traceId + spanId;
    if (this.waitingStarts.delete(key)) return;
    this.earlyCompletions.add(key);
    if (this.earlyCompletions.size > this.window) {
      const oldest = this.earlyCompletions.values().next().value as string;
      this.earlyCompletions.delete(oldest);
      this.evictedCompletions += 1;
    }
  }

  /** Every started record still waiting is a command that never completed. */
  finish(): void {
    for (const payload of this.waitingStarts.values()) this.onKilled(payload);
    this.waitingStarts.clear();
    this.earlyCompletions.clear();
  }

  /** How many matches the window may have missed (0 when everything fit). */
  get evictions(): number {
    return this.evictedStarts + this.evictedCompletions;
  }
}
