/**
 * Distinct installs behind one cell of the report.
 *
 * Install ids are interned once into small integers (InstallIds), so a cell
 * holds numbers, not 36-character strings. A cell that only needs to know
 * whether it reaches the publication threshold stops adding at that count
 * (`limit`), so its memory is bounded by k rather than by the installs.
 */
export class InstallIds {
  private readonly ids = new Map<string, number>();

  /** The number for `installId`, or -1 for a record without one (it backs no cell). */
  intern(installId: string | undefined): number {
    if (installId === undefined) return -1;
    let id = this.ids.get(installId);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(installId, id);
    }
    return id;
  }

  get size(): number {
    return this.ids.size;
  }
}

export class InstallSet {
  private readonly members = new Set<number>();

  /** `limit`: stop counting there (enough to decide suppression); Infinity keeps the exact count. */
  constructor(private readonly limit = Infinity) {}

  add(install: number): void {
    if (install < 0 || this.members.size >= this.limit) return;
    this.members.add(install);
  }

  /** The number of distinct installs, or `limit` when there are at least that many. */
  get size(): number {
    return this.members.size;
  }

  /** Adds this set's installs to `union` (up to `limit` of them, which is all a threshold needs). */
  addTo(union: Set<number>): void {
    for (const install of this.members) union.add(install);
  }
}
