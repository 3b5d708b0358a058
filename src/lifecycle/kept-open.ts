/**
 * What a command was kept open for (`cmd.keepOpen(until)`): a server until it
 * closes, a watcher until it stops. The command ends when its function has
 * returned and all of these have settled, or earlier when a signal or the
 * process exiting ends it.
 */
export class KeptOpen {
  #waits: PromiseLike<unknown>[] = [];

  add(until: PromiseLike<unknown>): void {
    this.#waits.push(until);
  }

  /**
   * Undefined when nothing was kept open, so a command that kept nothing open
   * ends without waiting a turn. Otherwise settles once everything kept open
   * has (including what was added while waiting); rejects with the first
   * rejection, which the command then reports as its failure.
   */
  settled(): Promise<void> | undefined {
    if (this.#waits.length === 0) return undefined;
    return this.#drain();
  }

  async #drain(): Promise<void> {
    while (this.#waits.length > 0) {
      const waits = this.#waits;
      this.#waits = [];
      await Promise.all(waits);
    }
  }
}

export function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
