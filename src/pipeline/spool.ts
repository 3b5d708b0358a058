import { lstatSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostics } from '../diagnostics.js';
import { writeFileAtomic } from '../files/atomic-file.js';
import { isRealDirectory, readFileSafely } from '../files/safe-read.js';
import type { SendResult } from './otlp-http.js';
import { nodeCrypto } from '../node-crypto.js';

const MAX_FILES = 100;
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
/** A claim older than this belongs to a process that died mid-send. */
const STALE_CLAIM_MS = 60_000;
const PENDING_SUFFIX = '.otlp.json';

export type PostBody = (body: Uint8Array, signal: AbortSignal) => Promise<SendResult>;

/** Makes a stored body fit to send (see spool-scrub.ts): the body to send, or undefined; and how many spans were dropped. */
export type PrepareBody = (body: Uint8Array) => { readonly body: Uint8Array | undefined; readonly dropped: number };

/**
 * Records that could not be sent before the process ended (a hard
 * `process.exit`, an uncaught error, a deadline that ran out), kept as the
 * OTLP/JSON bodies and sent by the next run that has consent. Bounded in
 * count, size and age; deleted with the user's "no". What is read back is
 * untrusted: the directory must be a real one (a link to elsewhere is
 * neither written into nor read), each file is read safely (no link, a
 * regular file, at most 4 MiB), only the oldest 100 are looked at, and each
 * body is prepared again (re-scrubbed) before it is sent.
 */
export class Spool {
  readonly #dir: string;
  readonly #diagnostics: Diagnostics;
  /** Files this process has claimed for sending: claimed path -> original path. */
  readonly #claims = new Map<string, string>();
  /** Spans (or whole files, when unreadable) dropped on replay. */
  #dropped = 0;

  constructor(dir: string, diagnostics: Diagnostics) {
    this.#dir = dir;
    this.#diagnostics = diagnostics;
  }

  get dropped(): number {
    return this.#dropped;
  }

  /** Whether the directory is usable: absent (created on write) or a real directory, not a link. */
  #dirIsSafe(): boolean {
    try {
      return lstatSync(this.#dir).isDirectory();
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ENOENT';
    }
  }

  /** Synchronous, for the process `exit` event. Never throws. */
  write(body: Uint8Array): boolean {
    try {
      if (body.byteLength > MAX_BODY_BYTES) {
        this.#diagnostics.report(`pending record of ${body.byteLength} bytes is too large to keep`);
        return false;
      }
      if (!this.#dirIsSafe()) {
        this.#diagnostics.report(`${this.#dir} is not a directory of its own (a link?); not keeping pending records there`);
        return false;
      }
      if (this.#entries().length >= MAX_FILES) {
        this.#diagnostics.report('too many pending records; dropping this one');
        return false;
      }
      const name = `${Date.now()}-${nodeCrypto().randomBytes(4).toString('hex')}${PENDING_SUFFIX}`;
      writeFileAtomic(join(this.#dir, name), body, 0o600);
      return true;
    } catch (error) {
      this.#diagnostics.report('could not keep pending record', error);
      return false;
    }
  }

  /** Sends pending records oldest first; stops at the first failure worth retrying. Never rejects. */
  async replay(post: PostBody, prepare: PrepareBody, signal: AbortSignal): Promise<number> {
    let sent = 0;
    if (!isRealDirectory(this.#dir)) return 0;
    for (const name of this.#entries().slice(0, MAX_FILES)) {
      if (signal.aborted) break;
      const path = join(this.#dir, name);
      const claimed = `${path}.sending-${process.pid}`;
      try {
        if (name.includes('.sending-')) {
          if (Date.now() - lstatSync(path).mtimeMs < STALE_CLAIM_MS) continue;
        }
        renameSync(path, claimed);
        this.#claims.set(claimed, path);
      } catch {
        continue; // another process took it
      }
      try {
        const age = Date.now() - lstatSync(claimed).mtimeMs;
        const read = readFileSafely(claimed, { maxBytes: MAX_BODY_BYTES });
        if (read.kind !== 'ok' || age > MAX_AGE_MS || read.bytes.byteLength === 0) {
          if (read.kind === 'refused') {
            this.#dropped++;
            this.#diagnostics.report(`dropped pending record ${name}: ${read.reason}`);
          }
          rmSync(claimed, { force: true });
          continue;
        }
        const prepared = prepare(read.bytes);
        if (prepared.dropped > 0) {
          this.#dropped += prepared.dropped;
          this.#diagnostics.report(`dropped ${prepared.dropped} spans of pending record ${name}: malformed or beyond the limits`);
        }
        if (prepared.body === undefined) {
          rmSync(claimed, { force: true });
          continue;
        }
        const result = await post(prepared.body, signal);
        if (result.ok || !result.retryable) {
          rmSync(claimed, { force: true });
          if (result.ok) sent++;
          continue;
        }
        renameSync(claimed, path);
        break;
      } catch (error) {
        this.#diagnostics.report('could not replay pending record', error);
        rmSync(claimed, { force: true });
      } finally {
        this.#claims.delete(claimed);
      }
    }
    return sent;
  }

  /** Gives back files still being sent when the process ends, for the next run. Synchronous. */
  releaseClaims(): void {
    for (const [claimed, original] of this.#claims) {
      try {
        renameSync(claimed, original);
      } catch {
        // Already sent and deleted, or gone.
      }
    }
    this.#claims.clear();
  }

  #entries(): string[] {
    try {
      return readdirSync(this.#dir)
        .filter((name) => name.includes(PENDING_SUFFIX) && !name.endsWith('.tmp'))
        .sort();
    } catch {
      return [];
    }
  }
}
