/**
 * The OpenTelemetry pipeline, loaded with a dynamic import only once consent
 * says yes: nothing in this module (or the SDK packages it pulls in) is
 * loaded while telemetry is off.
 */
import type { Attributes } from '@opentelemetry/api';
import { SDK_INFO } from '@opentelemetry/core';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { BasicTracerProvider, RandomIdGenerator } from '@opentelemetry/sdk-trace-base';
import type { ContextChoices } from '../config/context-options.js';
import type { UserFiles } from '../files/user-files.js';
import { ConsentSampler } from '../sdk/consent-sampler.js';
import type { IdentityConfig } from '../identity/identity.js';
import { loadIdentity } from '../identity/identity.js';
import { localPaths } from '../identity/local-paths.js';
import type { AppInfo, RecordingSdk } from '../identity/resource-attributes.js';
import { contextAttributes } from '../identity/resource-attributes.js';
import type { Diagnostics } from '../diagnostics.js';
import { LiveCommand } from '../lifecycle/live-command.js';
import type { CommandRecorder } from '../lifecycle/live-command.js';
import { OpenCommands } from '../lifecycle/open-commands.js';
import { ATTRIBUTE_COUNT_LIMIT } from '../lifecycle/reserved-keys.js';
import { installProcessHooks } from './process-hooks.js';
import { installRunGuards } from './run-guards.js';
import type { AttributeCatalogue, HashAlgorithm } from '../config/options.js';
import { PrivacySpanProcessor } from '../sdk/privacy-span-processor.js';
import { scrubSpan, scrubStartedRecord } from '../privacy/scrub-span.js';
import { appendToAuditLog } from './audit-log.js';
import { renderDebugPayload } from './debug-printer.js';
import type { SendResult } from './otlp-http.js';
import { postOtlp } from './otlp-http.js';
import { ExportQueue } from './queue.js';
import { Journal } from './journal.js';
import { recoverJournals } from './journal-recovery.js';
import { Spool } from './spool.js';
import { rescrubPendingBody } from './spool-scrub.js';

export interface PipelineConfig {
  readonly app: AppInfo;
  readonly sdkVersion: string;
  /** Which execution-context facts to detect and send. */
  readonly context: ContextChoices;
  readonly tracesUrl: URL;
  readonly catalogue: AttributeCatalogue;
  readonly hashAlgorithm: HashAlgorithm;
  readonly files: UserFiles;
  readonly diagnostics: Diagnostics;
  /** Asked again before every request: a "no" given mid-run stops what is not yet sent. */
  readonly consentGiven: () => boolean;
  /** Which ids to send; they are created here, with consent. */
  readonly identity: IdentityConfig;
  /** Print what would be sent to stderr instead of sending. */
  readonly debug: boolean;
  readonly auditLogPath: string | undefined;
  /** The exit deadline for flushing at the end of `run()`, on a signal, and when the event loop runs dry. */
  readonly deadlineMs: number;
  /** The error about to end the process, boxed, if an uncaught one was seen (for the exit hook). */
  readonly fatalError: () => { readonly error: unknown } | undefined;
}

export interface Pipeline {
  readonly open: OpenCommands<LiveCommand>;
  startCommand(name: string, attributes: Attributes, parent: LiveCommand | undefined): LiveCommand;
  /** Sends everything pending until done or `deadlineAt` (epoch ms). Never rejects. */
  flush(deadlineAt: number): Promise<void>;
  /** Synchronously keeps what is unsent for the next run (process `exit`). */
  spoolUnsent(): void;
  /** Drops everything not yet sent (consent withdrawn). */
  discard(): void;
  /**
   * Guards a `run()` until `uninstall()`: SIGINT/SIGTERM end the open
   * commands as aborted and flush; an uncaught error is handed to `onFatal`.
   */
  guardRun(onFatal: (error: unknown) => void): { uninstall: () => void };
  readonly pending: number;
  readonly dropped: number;
  /** Spans the collector accepted. */
  readonly sent: number;
  /** Spans ever queued. */
  readonly added: number;
}

export function createPipeline(config: PipelineConfig): Pipeline {
  const { diagnostics } = config;
  const userAgent = `optel/${config.sdkVersion}`;
  const spool = new Spool(config.files.pendingDir, diagnostics);

  const post = async (body: Uint8Array, signal: AbortSignal): Promise<SendResult> => {
    if (!config.consentGiven()) return { ok: false, retryable: false, error: 'consent withdrawn; not sent' };
    if (config.debug) {
      process.stderr.write(renderDebugPayload(config.app.name, config.tracesUrl, body));
      return { ok: true, retryable: false };
    }
    const result = await postOtlp(config.tracesUrl, body, userAgent, signal);
    if (result.ok && config.auditLogPath !== undefined) appendToAuditLog(config.auditLogPath, body, diagnostics);
    return result;
  };

  // (Not in debug mode: that run sends nothing, so it has nothing to lose.)
  const journal = config.debug ? undefined : new Journal(config.files.pendingDir, diagnostics);
  const queue = new ExportQueue({
    diagnostics,
    send: (spans, signal) => post(serialize(spans), signal),
    ...(journal === undefined ? {} : { onAccepted: (span: ReadableSpan) => journal.record(span), onSettled: (spans: readonly ReadableSpan[]) => journal.settled(spans) }),
  });

  const exporting: SpanProcessor = {
    onStart: () => undefined,
    onEnd: (span: ReadableSpan) => queue.add(span),
    forceFlush: () => queue.flush(Date.now() + 10_000),
    shutdown: () => Promise.resolve(),
  };
  // The key file is only created when something is hashed with it across runs.
  const keyedHashes = config.hashAlgorithm === 'hmac-sha256' && Object.values(config.catalogue).includes('hash');
  const identity = loadIdentity(config.identity, keyedHashes, config.files, diagnostics);
  const hashKey = identity.hashKey;
  const policy = { catalogue: config.catalogue, hashKey, hashAlgorithm: config.hashAlgorithm, paths: localPaths() };
  const privacy = new PrivacySpanProcessor(exporting, policy, diagnostics, scrubSpan);

  const provider = new BasicTracerProvider({
    // The spans are recorded by the OpenTelemetry SDK (sdk-trace-base): telemetry.sdk.* names it, optel is the distro.
    resource: resourceFromAttributes({ ...contextAttributes(config.app, config.sdkVersion, recordingSdk(), config.context), ...identity.attributes }),
    // Asks consent at every span start; the export path asks again.
    sampler: new ConsentSampler({ isEnabled: config.consentGiven }),
    spanProcessors: [privacy],
    // Explicit, so the user's OTEL_* limits for their own telemetry don't apply here.
    spanLimits: {
      attributeCountLimit: ATTRIBUTE_COUNT_LIMIT,
      attributeValueLengthLimit: 4096,
      eventCountLimit: 128,
      linkCountLimit: 128,
      attributePerEventCountLimit: 128,
      attributePerLinkCountLimit: 128,
    },
  });
  const ids = new RandomIdGenerator();
  const recorder: CommandRecorder = {
    tracer: provider.getTracer('optel', config.sdkVersion),
    open: new OpenCommands(),
    diagnostics,
    sendStarted(command) {
      let record: ReadableSpan;
      try {
        // Built scrubbed in one pass; like the privacy processor, it fails closed.
        record = scrubStartedRecord(command, ids.generateSpanId(), policy);
      } catch (error) {
        diagnostics.report('dropped a started record that could not be scrubbed', error);
        return;
      }
      journal?.expectStarted(record, command.parentSpanContext?.spanId);
      queue.add(record);
      queue.sendSoon();
    },
    ...(journal === undefined
      ? {}
      : {
          stepStarted(step: ReadableSpan) {
            try {
              // Scrubbed now, like every record that reaches the disk.
              journal.opened(scrubSpan(step, policy));
            } catch (error) {
              diagnostics.report('could not journal a step', error);
            }
          },
        }),
  };

  // What processes that died of a signal left in their journals becomes pending records.
  if (!config.debug) recoverJournals(config.files.pendingDir, (body) => spool.write(body), diagnostics);
  // Records a previous run could not send go out first, in the background, scrubbed again.
  const replayAbort = new AbortController();
  // (Not in debug mode: that run must send nothing, and printing would consume them.)
  let replaying: Promise<unknown> = config.debug
    ? Promise.resolve()
    : spool.replay(post, (body) => rescrubPendingBody(body, policy, serialize), replayAbort.signal).catch((error: unknown) => {
        diagnostics.report('replaying pending records failed', error);
      });

  const pipeline: Pipeline = {
    open: recorder.open,
    startCommand: (name, attributes, parent) => new LiveCommand(recorder, name, attributes, parent),
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
      if (unsent.length > 0 && config.consentGiven()) spool.write(serialize(unsent));
      // Everything the journal held is now spooled (or sent): it is not needed to recover this process.
      journal?.discard();
    },
    discard() {
      journal?.discard();
      queue.discard();
      replayAbort.abort();
      replaying = Promise.resolve();
    },
    guardRun(onFatal) {
      return installRunGuards({
        abortAll: (signal, exitCode) => {
          for (const open of recorder.open.list()) open.finish({ signal, exitCode });
        },
        onFatal,
        flush: (deadlineAt) => pipeline.flush(deadlineAt),
        deadlineMs: config.deadlineMs,
        diagnostics,
      });
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
  // (Here rather than in telemetry.ts: with telemetry off, this code is never loaded.)
  installProcessHooks({ pipeline, deadlineMs: config.deadlineMs, diagnostics, fatalError: config.fatalError });
  return pipeline;
}

/** The OpenTelemetry SDK's own account of itself (`opentelemetry`, its version), from the package that records the spans. */
function recordingSdk(): RecordingSdk {
  return { name: String(SDK_INFO['telemetry.sdk.name']), version: String(SDK_INFO['telemetry.sdk.version']) };
}

function serialize(spans: ReadableSpan[]): Uint8Array {
  const body = JsonTraceSerializer.serializeRequest(spans);
  if (!body) throw new Error('OTLP serializer returned nothing');
  return body;
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
