/**
 * An error that already knows the HTTP status it should be answered with.
 * Anything else that escapes request handling is a malformed payload (400).
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}
