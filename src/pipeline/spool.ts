import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostics } from '../diagnostics.js';
import { writeFileAtomic } from '../files/atomic-file.js';
import type { SendResult } from './otlp-http.js';

const MAX_FILES = 100;
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
/** A claim older than this belongs to a process that died mid-send. */
const STALE_CLAIM_MS = 60_000;
const PENDING_SUFFIX = '.otlp.json';

export type PostBody = (body: Uint8Array, signal: AbortSignal) => Promise<SendResult>;

/**
 * Records that could not be sent before the process ended (a hard
 * `process.exit`, an uncaught error, a deadline that ran out), kept as the
 * exact OTLP/JSON bodies and sent by the next run that has consent.
 * Bounded in count, size and age; deleted with the user's "no".
 */
export class Spool {
  readonly #dir: string;
  readonly #diagnostics: Diagnostics;
  /** Files this process has claimed for sending: claimed path -> original path. */
  readonly #claims = new Map<string, string>();

  constructor(dir: string, diagnostics: Diagnostics) {
    this.#dir = dir;
    this.#diagnostics = diagnostics;
  }

  /** Synchronous, for the process `exit` event. Never throws. */
  write(body: Uint8Array): boolean {
    try {
      if (body.byteLength > MAX_BODY_BYTES) {
        this.#diagnostics.report(`pending record of ${body.byteLength} bytes is too large to keep`);
        return false;
      }
      if (this.#entries().length >= MAX_FILES) {
        this.#diagnostics.report('too many pending records; dropping this one');
        return false;
      }
      const name = `${Date.now()}-${randomBytes(4).toString('hex')}${PENDING_SUFFIX}`;
      writeFileAtomic(join(this.#dir, name), body, 0o600);
      return true;
    } catch (error) {
      this.#diagnostics.report('could not keep pending record', error);
      return false;
    }
  }

  /** Sends pending records oldest first; stops at the first failure worth retrying. Never rejects. */
  async replay(post: PostBody, signal: AbortSignal): Promise<number> {
    let sent = 0;
    for (const name of this.#entries()) {
      if (signal.aborted) break;
      const path = join(this.#dir, name);
      const claimed = `${path}.sending-${process.pid}`;
      try {
        if (name.includes('.sending-')) {
          if (Date.now() - statSync(path).mtimeMs < STALE_CLAIM_MS) continue;
        }
        renameSync(path, claimed);
        this.#claims.set(claimed, path);
      } catch {
        continue; // another process took it
      }
      try {
        const age = Date.now() - statSync(claimed).mtimeMs;
        const body = readFileSync(claimed);
        if (age > MAX_AGE_MS || body.byteLength === 0) {
          rmSync(claimed, { force: true });
          continue;
        }
        const result = await post(body, signal);
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
