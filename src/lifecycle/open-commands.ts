/** A command's place in OpenCommands, handed out by `add` and given back to `delete`. */
export interface OpenEntry<T> {
  readonly item: T;
  previous: OpenEntry<T> | undefined;
  next: OpenEntry<T> | undefined;
  removed: boolean;
}

/**
 * The commands that have started and not yet ended, so that a signal or the
 * process exiting can end them.
 *
 * A doubly linked list: adding and removing cost the same whether commands
 * end in the order they started, the reverse, or any other, and nothing is
 * reallocated as it grows and shrinks. (A Set reallocated its table with
 * every command, a tenth of a command's whole cost; an array made removing
 * commands that end oldest first quadratic in how many are open.)
 */
export class OpenCommands<T> {
  #first: OpenEntry<T> | undefined;
  #last: OpenEntry<T> | undefined;

  add(item: T): OpenEntry<T> {
    const entry: OpenEntry<T> = { item, previous: this.#last, next: undefined, removed: false };
    if (this.#last) this.#last.next = entry;
    else this.#first = entry;
    this.#last = entry;
    return entry;
  }

  /** Takes `entry` out; a second call for the same entry does nothing. */
  delete(entry: OpenEntry<T>): void {
    if (entry.removed) return;
    entry.removed = true;
    if (entry.previous) entry.previous.next = entry.next;
    else this.#first = entry.next;
    if (entry.next) entry.next.previous = entry.previous;
    else this.#last = entry.previous;
    entry.previous = undefined;
    entry.next = undefined;
  }

  /** A copy, oldest first: the caller may end commands while going through it. */
  list(): T[] {
    const items: T[] = [];
    for (let entry = this.#first; entry; entry = entry.next) items.push(entry.item);
    return items;
  }

  /** Takes every entry out and gives their items, oldest first. */
  takeAll(): T[] {
    const items: T[] = [];
    while (this.#first) {
      const entry = this.#first;
      items.push(entry.item);
      this.delete(entry);
    }
    return items;
  }
}
