/**
 * Pending `waitFor` calls: each waits until a predicate over all spans
 * received so far holds, or its timeout passes.
 */
import type { ReceivedSpan } from './spans.js';

interface Waiter {
  readonly predicate: (spans: readonly ReceivedSpan[]) => boolean;
  readonly resolve: (spans: ReceivedSpan[]) => void;
  readonly reject: (error: Error) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

export class SpanWaiters {
  private readonly waiters = new Set<Waiter>();

  constructor(private readonly spans: readonly ReceivedSpan[]) {}

  waitFor(predicate: (spans: readonly ReceivedSpan[]) => boolean, timeoutMs: number): Promise<ReceivedSpan[]> {
    return new Promise((resolve, reject) => {
      // Checked once up front, so spans that already arrived count.
      try {
        if (predicate(this.spans)) {
          resolve([...this.spans]);
          return;
        }
      } catch (error) {
        reject(error as Error);
        return;
      }
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const names = this.spans.map((span) => span.name).join(', ');
        reject(
          new Error(
            `waitFor timed out after ${timeoutMs} ms; ${this.spans.length} span(s) received so far${names ? `: ${names}` : ''}`,
          ),
        );
      }, timeoutMs);
      const waiter: Waiter = { predicate, resolve, reject, timer };
      this.waiters.add(waiter);
    });
  }

  /** Re-evaluates every pending predicate; call after spans were added. */
  check(): void {
    for (const waiter of this.waiters) {
      let satisfied: boolean;
      try {
        satisfied = waiter.predicate(this.spans);
      } catch (error) {
        this.settle(waiter);
        waiter.reject(error as Error);
        continue;
      }
      if (satisfied) {
        this.settle(waiter);
        waiter.resolve([...this.spans]);
      }
    }
  }

  rejectAll(error: Error): void {
    for (const waiter of this.waiters) {
      this.settle(waiter);
      waiter.reject(error);
    }
  }

  private settle(waiter: Waiter): void {
    clearTimeout(waiter.timer);
    this.waiters.delete(waiter);
  }
}
