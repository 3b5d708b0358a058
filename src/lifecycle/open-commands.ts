/**
 * The commands that have started and not yet ended, so that a signal or the
 * process exiting can end them.
 *
 * An array rather than a Set: commands nearly always end in the reverse
 * order they started, so removing one is a pop. A Set of short-lived objects
 * reallocated its table as it grew and shrank with every command, which
 * was a tenth of a command's whole cost.
 */
export class OpenCommands<T> {
  readonly #items: T[] = [];

  add(item: T): void {
    this.#items.push(item);
  }

  delete(item: T): void {
    const items = this.#items;
    if (items[items.length - 1] === item) {
      items.pop();
      return;
    }
    const index = items.lastIndexOf(item);
    if (index !== -1) items.splice(index, 1);
  }

  /** A copy, oldest first: the caller may end commands while going through it. */
  list(): T[] {
    return [...this.#items];
  }
}
