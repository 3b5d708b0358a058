import type { FlagMode } from '../consent/flags.js';
import { DISABLE_FLAG } from '../consent/flags.js';
import type { AttributeCatalogue, HashAlgorithm } from '../config/options.js';
import type { KeyDescription } from './known-keys.js';
import type { ContextChoices } from '../config/context-options.js';
import { CONTEXT_KEYS, LIFECYCLE_KEYS, NEVER_COLLECTED, OPTIONAL_CONTEXT_KEYS } from './known-keys.js';

export type DescribeFormat = 'markdown' | 'json';

export interface DescribeInput {
  readonly app: { readonly name: string; readonly version?: string };
  readonly endpoint: string;
  readonly catalogue: AttributeCatalogue;
  readonly descriptions: Readonly<Record<string, string>>;
  readonly envPrefix: string;
  /** How `hash` keys are hashed, in words. */
  readonly hashing: string;
  /** The algorithm `hashing` describes; it also names how `hash` keys are sent. */
  readonly hashAlgorithm: HashAlgorithm;
  /** Which of optel's ids the app sends (`identity.installId` / `identity.projectId`); the others are not listed. */
  readonly identity: { readonly installId: boolean; readonly projectId: boolean };
  /** Which execution-context facts the app sends (`context`); all when left out. */
  readonly context?: ContextChoices;
  /** What `--disable-telemetry` does (`consent.flag`). */
  readonly flagMode?: FlagMode;
  /** The user-scope directory's name under the config dir (not a full path: the document is published). */
  readonly userDirName: string;
}

export interface CatalogueDocument {
  readonly app: { readonly name: string; readonly version?: string };
  readonly endpoint: string;
  readonly attributes: readonly { readonly key: string; readonly sentAs: 'clear' | 'hash'; readonly description?: string }[];
  readonly hashing: string;
  readonly hashAlgorithm: HashAlgorithm;
  readonly lifecycle: readonly KeyDescription[];
  readonly context: readonly KeyDescription[];
  readonly neverCollected: readonly string[];
  readonly optOut: readonly string[];
  readonly files: string;
}

/** How a `hash` key is sent, in the attribute table. */
const HASH_LABELS: Readonly<Record<HashAlgorithm, string>> = {
  'hmac-sha256': 'keyed hash',
  sha256: 'SHA-256 hash (unkeyed)',
  md5: 'MD5 hash (unkeyed)',
};

/** Context keys that name an id the app can turn off. */
const OPTIONAL_IDS: Readonly<Record<string, 'installId' | 'projectId'>> = {
  'optel.install.id': 'installId',
  'optel.project.id': 'projectId',
};

/**
 * The "what we collect" document, generated from the same catalogue the
 * privacy processor enforces, so the docs cannot drift from what is sent.
 */
export function catalogueDocument(input: DescribeInput): CatalogueDocument {
  const attributes = Object.keys(input.catalogue)
    .filter((key) => input.catalogue[key] === 'clear' || input.catalogue[key] === 'hash')
    .sort()
    .map((key) => {
      const description = input.descriptions[key];
      return { key, sentAs: input.catalogue[key] as 'clear' | 'hash', ...(description === undefined ? {} : { description }) };
    });
  return {
    app: input.app,
    endpoint: input.endpoint,
    attributes,
    hashing: input.hashing,
    hashAlgorithm: input.hashAlgorithm,
    lifecycle: LIFECYCLE_KEYS,
    context: CONTEXT_KEYS.filter(({ key }) => {
      const id = OPTIONAL_IDS[key];
      const fact = OPTIONAL_CONTEXT_KEYS[key];
      return (id === undefined || input.identity[id]) && (fact === undefined || input.context?.[fact] !== false);
    }),
    neverCollected: NEVER_COLLECTED,
    optOut: [
      `set DO_NOT_TRACK=1 (honoured by many tools)`,
      `set ${input.envPrefix}_TELEMETRY_DISABLED=1`,
      input.flagMode === 'remember' ? `pass ${DISABLE_FLAG} once (it is remembered, as \`telemetry disable\` is)` : `pass ${DISABLE_FLAG} on any run`,
      `run \`${input.app.name} telemetry disable\` once`,
    ],
    files: `~/.config/${input.userDirName}/ (or $XDG_CONFIG_HOME/${input.userDirName}/)`,
  };
}

export function describeCatalogue(input: DescribeInput, format: DescribeFormat): string {
  const doc = catalogueDocument(input);
  if (format === 'json') return `${JSON.stringify(doc, null, 2)}\n`;
  return renderMarkdown(doc);
}

function renderMarkdown(doc: CatalogueDocument): string {
  const name = doc.app.name;
  const hashLabel = HASH_LABELS[doc.hashAlgorithm];
  const lines: string[] = [
    `## What ${name} collects`,
    '',
    `${name} sends anonymous usage telemetry: a record when a command starts and one when it ends, with its outcome and duration. ` +
      `Records go to ${doc.endpoint} over OTLP/HTTP.`,
    '',
    '| attribute | sent as | what it is |',
    '|---|---|---|',
    ...doc.attributes.map((a) => `| \`${a.key}\` | ${a.sentAs === 'hash' ? hashLabel : 'as is, scrubbed'} | ${cell(a.description ?? '')} |`),
    ...doc.lifecycle.map((k) => `| \`${k.key}\` | as is | ${cell(k.description)} |`),
    '',
    `${doc.hashAlgorithm === 'hmac-sha256' ? 'Keyed hash' : 'Hash'}: ${doc.hashing}`,
    '',
    'Sent with every batch, to tell platforms apart:',
    '',
    '| attribute | what it is |',
    '|---|---|',
    ...doc.context.map((k) => `| \`${k.key}\` | ${cell(k.description)} |`),
    '',
    'Never collected:',
    '',
    ...doc.neverCollected.map((item) => `- ${item}`),
    '',
    'To opt out, any one of:',
    '',
    ...doc.optOut.map((item) => `- ${item}`),
    '',
    `Settings and the local hash key live in ${doc.files}.`,
    '',
  ];
  return lines.join('\n');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
