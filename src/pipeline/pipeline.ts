/**
 * The pipeline: everything that exists only with consent, wired here and
 * nowhere else, in the order a span travels:
 *
 *   command recorder -> consent sampler -> privacy processor (started
 *   records too) -> queue -> consent gate -> transport
 *
 * The recorder (with the consent sampler at each span start) is made by the
 * session before this module loads, so the app's code never waits; this
 * module is loaded after the first command has started, off the app's
 * critical path, and connects to it. Nothing here loads an OpenTelemetry
 * module: spans are optel's own, encoded to OTLP/JSON by hand.
 */
import type { ContextChoices } from '../config/context-options.js';
import type { CiContext } from '../consent/ci.js';
import type { AppInfo, RecordingSdk } from '../identity/resource-attributes.js';
import { contextAttributes } from '../identity/resource-attributes.js';
import type { IdentityConfig } from '../identity/identity.js';
import { loadIdentity } from '../identity/identity.js';
import type { InstallKeys } from '../identity/install-keys.js';
import type { Diagnostics } from '../diagnostics.js';
import type { UserFiles } from '../files/user-files.js';
import type { Recorder } from '../lifecycle/recorder.js';
import { plainResource } from '../privacy/resource.js';
import { scrubSpan } from '../privacy/scrub-span.js';
import { PrivacySpanProcessor } from '../sdk/privacy-span-processor.js';
import { appendToAuditLog } from './audit-log.js';
import { renderDebugPayload } from './debug-printer.js';
import type { SendResult } from './otlp-http.js';
import { postOtlp } from './otlp-http.js';
import { encodeTraceRequest } from './otlp-json.js';
import { Journal } from './journal.js';
import { recoverJournals } from './journal-recovery.js';
import { ExportQueue } from './queue.js';
import { Spool } from './spool.js';
import { rescrubPendingBody } from './spool-scrub.js';
import type { ReadableSpan, SpanProcessor } from '../sdk/sdk-types.js';

export interface PipelineConfig {
  readonly recorder: Recorder;
  /** The hash key and privacy policy, owned by the facade (one owner for both). */
  readonly keys: InstallKeys;
  readonly app: AppInfo;
  readonly sdkVersion: string;
  /** Which execution-context facts to detect and send. */
  readonly context: ContextChoices;
  /**
   * Whether this runs in CI, and which service, by the entry's check (one copy of ci-info, in the
   * entry); asked here, after the app's first line, not before it.
   */
  readonly ci: () => CiContext;
  readonly tracesUrl: URL;
  readonly files: UserFiles;
  readonly diagnostics: Diagnostics;
  /** Asked again at every span end and before every request: a "no" given mid-run stops what is not yet sent. */
  readonly consentGiven: () => boolean;
  /** Which ids to send; they are created here, with consent. */
  readonly identity: IdentityConfig;
  /** Print what would be sent to stderr instead of sending. */
  readonly debug: boolean;
  readonly auditLogPath: string | undefined;
}

export interface Pipeline {
  /** Sends everything pending until done or `deadlineAt` (epoch ms). Never rejects. */
  flush(deadlineAt: number): Promise<void>;
  /** Synchronously keeps what is unsent for the next run (process `exit`). */
  spoolUnsent(): void;
  /** Drops everything not yet sent, for good (consent withdrawn). */
  discard(): void;
  readonly pending: number;
  readonly dropped: number;
  /** Spans the collector accepted. */
  readonly sent: number;
  /** Spans ever queued. */
  readonly added: number;
}

export function createPipeline(config: PipelineConfig): Pipeline {
  const { diagnostics, recorder, keys } = config;
  const userAgent = `optel/${config.sdkVersion}`;
  const spool = new Spool(config.files.pendingDir, diagnostics);
  let discarded = false;

  // Transport, behind the consent gate: asked before every request.
  const post = async (body: Uint8Array, signal: AbortSignal): Promise<SendResult> => {
    if (discarded || !config.consentGiven()) return { ok: false, retryable: false, error: 'consent withdrawn; not sent' };
    if (config.debug) {
      process.stderr.write(renderDebugPayload(config.app.name, config.tracesUrl, body));
      return { ok: true, retryable: false };
    }
    const result = await postOtlp(config.tracesUrl, body, userAgent, signal, () => !discarded && config.consentGiven());
    if (result.ok && config.auditLogPath !== undefined) appendToAuditLog(config.auditLogPath, body, diagnostics);
    return result;
  };

  // The write-ahead journal: every record the queue accepts reaches the disk (scrubbed) before it is
  // sent, so a process that dies of a signal loses nothing. (Not in debug mode: that run sends nothing.)
  const journal = config.debug ? undefined : new Journal(config.files.pendingDir, diagnostics);
  // The queue: bounded, batches, retries, and the only timer that holds the process is a flush's deadline.
  const queue = new ExportQueue({
    diagnostics,
    send: (spans, signal) => post(encodeTraceRequest(spans), signal),
    ...(journal === undefined ? {} : { onAccepted: (span: ReadableSpan) => journal.record(span), onSettled: (spans: readonly ReadableSpan[]) => journal.settled(spans) }),
  });
  /** While a started record passes the privacy processor: the parent of its command ('' for none), for the journal. */
  let startedOf: { readonly commandParent: string | undefined } | undefined;
  const toQueue: SpanProcessor = {
    onStart: () => undefined,
    onEnd: (span: ReadableSpan) => {
      if (startedOf !== undefined) journal?.expectStarted(span, startedOf.commandParent);
      queue.add(span);
    },
    forceFlush: () => queue.flush(Date.now() + 10_000),
    shutdown: () => Promise.resolve(),
  };

  // The privacy processor, for every record that leaves, started records included; it asks consent again.
  const privacy = new PrivacySpanProcessor(toQueue, () => (!discarded && config.consentGiven() ? keys.policy() : undefined), diagnostics, scrubSpan);

  // The resource: explicit, non-identifying facts plus this install's ids (created here, with consent).
  const identity = loadIdentity(config.identity, () => keys.hashKey(), config.files, diagnostics);
  // optel records its spans itself: it is the SDK that telemetry.sdk.* names (and telemetry.distro.* too).
  const recordingSdk: RecordingSdk = { name: 'optel', version: config.sdkVersion };
  const resourceAttributes = { ...contextAttributes(config.app, config.sdkVersion, recordingSdk, config.context, config.ci()), ...identity };
  recorder.connect((span, kind) => {
    if (kind === 'opened') {
      // A step that has begun, scrubbed now like every record that reaches the disk.
      if (journal === undefined || discarded || !config.consentGiven()) return;
      try {
        journal.opened(scrubSpan(span, keys.policy()));
      } catch (error) {
        diagnostics.report('could not journal a step', error);
      }
      return;
    }
    startedOf = kind === 'started' ? { commandParent: span.parentSpan?.parentSpanContext?.spanId } : undefined;
    try {
      privacy.onEnd(span);
    } finally {
      startedOf = undefined;
    }
    if (kind === 'started') queue.sendSoon();
  }, plainResource(() => resourceAttributes));

  // What processes that died of a signal left in their journals becomes pending records.
  if (!config.debug) recoverJournals(config.files.pendingDir, (body) => spool.write(body), diagnostics);
  // Records a previous run could not send go out first, in the background, scrubbed again.
  // (Not in debug mode: that run must send nothing, and printing would consume them.)
  const replayAbort = new AbortController();
  let replaying: Promise<unknown> = config.debug
    ? Promise.resolve()
    : spool.replay(post, (body) => rescrubPendingBody(body, keys.policy(), encodeTraceRequest), replayAbort.signal).catch((error: unknown) => {
        diagnostics.report('replaying pending records failed', error);
      });

  return {
    async flush(deadlineAt) {
      const remaining = deadlineAt - Date.now();
      if (remaining <= 0) return;
      const stopReplay = setTimeout(() => replayAbort.abort(), remaining);
      stopReplay.unref();
      try {
        await Promise.all([queue.flush(deadlineAt), raceDeadline(replaying, deadlineAt)]);
      } finally {
        clearTimeout(stopReplay);
      }
    },
    spoolUnsent() {
      spool.releaseClaims();
      const unsent = queue.takeUnsent();
      if (unsent.length > 0 && !discarded && config.consentGiven()) spool.write(encodeTraceRequest(unsent));
      // Everything the journal held is now spooled (or sent): it is not needed to recover this process.
      journal?.discard();
    },
    discard() {
      discarded = true;
      journal?.discard();
      queue.discard();
      replayAbort.abort();
      replaying = Promise.resolve();
    },
    get pending() {
      return queue.pending;
    },
    get sent() {
      return queue.sent;
    },
    get dropped() {
      return queue.dropped + spool.dropped;
    },
    get added() {
      return queue.added;
    },
  };
}

/** Waits for `work` but never past `deadlineAt`; the timer doesn't hold the process. */
function raceDeadline(work: Promise<unknown>, deadlineAt: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, Math.max(0, deadlineAt - Date.now()));
    timer.unref();
    void work.finally(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
