import { DISABLE_FLAG } from './flags.js';

/** What the first-run notice and the consent prompt say about an app. */
export interface NoticeContent {
  readonly appName: string;
  readonly envPrefix: string;
  /** The declared attribute keys and whether each leaves as a keyed hash. */
  readonly keys: readonly { readonly key: string; readonly hashed: boolean }[];
  /** Whether the app sends a random install id. */
  readonly installId: boolean;
  /** Whether the app passes `argv`, so `--disable-telemetry` works. */
  readonly flag: boolean;
  /** Whether any execution-context fact is sent (the `context` option). */
  readonly context?: boolean;
  /** Whether the flag's "no" is stored (`consent.flag: 'remember'`). */
  readonly flagRemembered?: boolean;
  /** The app's own command to turn telemetry off, e.g. `acme telemetry disable`. */
  readonly disableCommand?: string;
  /** Where the app documents what it collects. */
  readonly docs?: string;
}

/** One sentence: what is collected. */
export function collectedSummary(content: NoticeContent): string {
  const parts = [
    'which commands run, how they end and how long they take',
    `the ${content.appName} version, your OS and Node.js versions`,
  ];
  if (content.context !== false) parts.push('the kind of machine it runs on (CPU count, container, cloud)');
  if (content.installId) parts.push('a random install id');
  const keys = content.keys.map(({ key, hashed }) => (hashed ? `${key} (hashed)` : key));
  if (keys.length > 0) parts.push(`and these details: ${keys.join(', ')}`);
  return `${content.appName} collects usage data: ${parts.join('; ')}.`;
}

/** The ways to say no, as one sentence. */
export function optOutSummary(content: NoticeContent): string {
  const ways = [`set ${content.envPrefix}_TELEMETRY_DISABLED=1 or DO_NOT_TRACK=1`];
  if (content.flag) ways.push(content.flagRemembered === true ? `pass ${DISABLE_FLAG} once` : `pass ${DISABLE_FLAG}`);
  if (content.disableCommand !== undefined) ways.push(`run \`${content.disableCommand}\``);
  const last = ways.pop() ?? '';
  return `To turn it off, ${ways.length > 0 ? `${ways.join(', ')} or ${last}` : last}.`;
}

/**
 * The first-run notice (opt-out mode), printed once on stderr: what is
 * collected, that this run sent nothing, how to say no, where to read more.
 */
export function noticeText(content: NoticeContent): string {
  const lines = [
    collectedSummary(content),
    'Nothing was sent this time; sending starts with the next run.',
    optOutSummary(content),
  ];
  if (content.docs !== undefined) lines.push(`Details: ${content.docs}`);
  return lines.map((line) => `${line}\n`).join('');
}

/** The question `consent.ask()` puts, ending in the `[y/N]` hint. */
export function promptText(content: NoticeContent): string {
  const details = content.docs === undefined ? '' : ` Details: ${content.docs}`;
  return `${collectedSummary(content)}${details}\nAllow ${content.appName} to send usage data? [y/N] `;
}
