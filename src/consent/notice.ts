import type { DataPolicy } from '../config/options.js';
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
  /** The app's stated answers; the notice carries why and how long. */
  readonly policy?: DataPolicy;
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

/**
 * The ways to say no: first the lasting ones (the app's disable command,
 * which is stored; the env switches, for as long as they are set), then the
 * flag, which is said to hold for one run only.
 */
export function optOutSummary(content: NoticeContent): string {
  const env = `set ${content.envPrefix}_TELEMETRY_DISABLED=1 (or DO_NOT_TRACK=1) in your environment`;
  const lasting = content.disableCommand === undefined ? env : `run \`${content.disableCommand}\`, or ${env}`;
  if (!content.flag) return `To turn it off for good, ${lasting}.`;
  const flag = content.flagRemembered === true
    ? ` Or pass ${DISABLE_FLAG} once: it is remembered.`
    : ` ${DISABLE_FLAG} turns it off for one run only.`;
  return `To turn it off for good, ${lasting}.${flag}`;
}

/** Why and how long, as the app stated them; undefined when it stated neither. */
export function policySummary(content: NoticeContent): string | undefined {
  const { purpose, retention } = content.policy ?? {};
  const sentence = (label: string, text: string): string => `${label}: ${text}${/[.!?]$/.test(text) ? '' : '.'}`;
  const parts = [...(purpose === undefined ? [] : [sentence('Why', purpose)]), ...(retention === undefined ? [] : [sentence('Kept', retention)])];
  return parts.length === 0 ? undefined : parts.join(' ');
}

/**
 * The first-run notice (opt-out mode), printed once on stderr: what is
 * collected, why and for how long, that this run sent nothing, how to say
 * no (for good, and for one run), where to read more.
 */
export function noticeText(content: NoticeContent): string {
  const why = policySummary(content);
  const lines = [
    collectedSummary(content),
    ...(why === undefined ? [] : [why]),
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
