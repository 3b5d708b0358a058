/**
 * Appends received spans to a JSON Lines file, one span object per line.
 *
 * Appends are chained so that lines land in the order batches were accepted,
 * even when requests arrive concurrently; each append is a single write, so
 * another reader never sees half a batch interleaved with another.
 */
import { appendFile } from 'node:fs/promises';
import type { ReceivedSpan } from './spans.js';

export class JsonlWriter {
  private tail: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  /** Creates the file if needed, so an unwritable path fails at start-up, not at the first span. */
  async open(): Promise<void> {
    try {
      await appendFile(this.path, '');
    } catch (error) {
      throw new Error(`cannot write the JSON lines file ${this.path}: ${(error as Error).message}`, { cause: error });
    }
  }

  append(spans: readonly ReceivedSpan[]): Promise<void> {
    const text = spans.map((span) => `${JSON.stringify(span)}\n`).join('');
    const written = this.tail.then(() => appendFile(this.path, text));
    // The chain must survive a failed write; the caller still sees the failure.
    this.tail = written.catch(() => undefined);
    return written;
  }
}
