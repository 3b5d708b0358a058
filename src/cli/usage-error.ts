/**
 * A mistake in how the command was invoked (unknown flag, bad value). The bin
 * reports it with a pointer to --help and exits 2, the conventional status
 * for usage errors, so scripts can tell it apart from a runtime failure (1).
 */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose --help to point at, e.g. `optel receive`. */
    readonly command: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}
