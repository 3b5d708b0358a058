import { dirName } from '../config/app-name.js';
import type { Settings } from '../config/settings.js';
import type { FlagMode } from '../consent/flags.js';
import { describeHashing } from '../privacy/hash.js';
import { DISABLE_FLAG } from '../consent/flags.js';
import type { AttributeCatalogue, DataPolicy, HashAlgorithm } from '../config/options.js';
import { describeShape, shapeOf } from '../privacy/value-shapes.js';
import type { KeyDescription } from './known-keys.js';
import type { ContextChoices } from '../config/context-options.js';
import { CONTEXT_KEYS, LIFECYCLE_KEYS, OPTIONAL_CONTEXT_KEYS } from './known-keys.js';
import type { DeclaredPersonal } from './never-collected.js';
import { neverCollected } from './never-collected.js';
import { policyEntries } from './policy.js';
import { WIRE_KEYS } from './wire-keys.js';

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
  /** Whether the app passes `argv`, so `--disable-telemetry` works. */
  readonly flag: boolean;
  /** The app's command that turns telemetry off (`consent.disableCommand`), if it has one. */
  readonly disableCommand?: string;
  /** The app's answers to the six questions (only the stated fields). */
  readonly policy: DataPolicy;
}

export interface CatalogueDocument {
  readonly app: { readonly name: string; readonly version?: string };
  readonly endpoint: string;
  /**
   * `pseudonymous` when records can be linked to each other (an install id,
   * a project id, or a keyed hash of a declared value is sent); `anonymous`
   * only when nothing of the kind is.
   */
  readonly identifiability: 'pseudonymous' | 'anonymous';
  readonly attributes: readonly {
    readonly key: string;
    readonly sentAs: 'clear' | 'hash';
    readonly description?: string;
    /** The values or shape a `clear` key may take, in words, when the app declared one. */
    readonly allowed?: string;
  }[];
  readonly hashing: string;
  readonly hashAlgorithm: HashAlgorithm;
  readonly lifecycle: readonly KeyDescription[];
  readonly context: readonly KeyDescription[];
  readonly neverCollected: readonly string[];
  /** Details that can identify someone, which the app declared anyway (so they are not in `neverCollected`). */
  readonly declaredPersonal: readonly DeclaredPersonal[];
  /** What the collector sees beyond the records. */
  readonly network: string;
  readonly policy: readonly { readonly field: keyof DataPolicy; readonly label: string; readonly text: string }[];
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
  [WIRE_KEYS.installId]: 'installId',
  [WIRE_KEYS.projectId]: 'projectId',
};

/** The document's input for an app, from its settings. */
export function describeInputOf(settings: Settings): DescribeInput {
  const { app, declaredEndpoint, catalogue, descriptions, prefix, hashAlgorithm, identity, context, flagMode, optOut, policy } = settings;
  return {
    app,
    endpoint: declaredEndpoint,
    catalogue,
    descriptions,
    envPrefix: prefix,
    hashing: describeHashing(hashAlgorithm),
    hashAlgorithm,
    identity: { installId: identity.installId, projectId: identity.projectId },
    userDirName: dirName(app.name),
    flagMode,
    context,
    ...optOut,
    policy: policy.policy,
  };
}

/**
 * The "what we collect" document, computed from the same catalogue the
 * privacy processor enforces and from the app's options, so the docs cannot
 * drift from what is sent: every claim in it is checked against them.
 */
export function catalogueDocument(input: DescribeInput): CatalogueDocument {
  const attributes = Object.keys(input.catalogue)
    .filter((key) => input.catalogue[key] === 'clear' || input.catalogue[key] === 'hash')
    .sort()
    .map((key) => {
      const description = input.descriptions[key];
      const shape = shapeOf(input.catalogue, key);
      return {
        key,
        sentAs: input.catalogue[key] as 'clear' | 'hash',
        ...(description === undefined ? {} : { description }),
        ...(shape === undefined ? {} : { allowed: describeShape(shape) }),
      };
    });
  const never = neverCollected(input.catalogue);
  const linkable = input.identity.installId || input.identity.projectId || attributes.some((a) => a.sentAs === 'hash');
  return {
    app: input.app,
    endpoint: input.endpoint,
    identifiability: linkable ? 'pseudonymous' : 'anonymous',
    attributes,
    hashing: input.hashing,
    hashAlgorithm: input.hashAlgorithm,
    lifecycle: LIFECYCLE_KEYS,
    context: CONTEXT_KEYS.filter(({ key }) => {
      const id = OPTIONAL_IDS[key];
      const fact = OPTIONAL_CONTEXT_KEYS[key];
      return (id === undefined || input.identity[id]) && (fact === undefined || input.context?.[fact] !== false);
    }),
    neverCollected: never.claims,
    declaredPersonal: never.declared,
    network:
      `The collector at ${input.endpoint} sees the IP address each request comes from, as any server sees its connections. ` +
      "It is not part of the records, and it is kept only if the collector's operator keeps it.",
    policy: policyEntries(input.policy),
    optOut: [
      ...(input.disableCommand === undefined ? [] : [`run \`${input.disableCommand}\` once: stored for you, lasting`]),
      `set ${input.envPrefix}_TELEMETRY_DISABLED=1 (lasting wherever it is set)`,
      'set DO_NOT_TRACK=1 (honoured by many tools)',
      ...(input.flag
        ? [input.flagMode === 'remember' ? `pass ${DISABLE_FLAG} once (it is remembered, as the disable command is)` : `pass ${DISABLE_FLAG} (that run only)`]
        : []),
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
  const sentAs = new Map(doc.attributes.map((a) => [a.key, a.sentAs === 'hash' ? hashLabel : (a.allowed ?? 'as is, scrubbed')]));
  const identity =
    doc.identifiability === 'pseudonymous'
      ? 'Pseudonymous, not anonymous: the records of one install (or one project) can be linked to each other, though they carry no name.'
      : 'No id is sent (unless you set one yourself, as `optel.user.id`), so records cannot otherwise be linked to each other.';
  const lines: string[] = [
    `## What ${name} collects`,
    '',
    `${name} sends ${doc.identifiability} usage telemetry: a record when a command starts and one when it ends, with its outcome and duration. ` +
      `${identity} Records go to ${doc.endpoint} over OTLP/HTTP.`,
    '',
    '| attribute | sent as | what it is |',
    '|---|---|---|',
    ...doc.attributes.map((a) => `| \`${a.key}\` | ${cell(sentAs.get(a.key) ?? '')} | ${cell(a.description ?? '')} |`),
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
    ...(doc.declaredPersonal.length === 0
      ? []
      : [
          `Collected although it can identify someone, because ${name} declared it (see the table above):`,
          '',
          ...doc.declaredPersonal.map((d) => `- ${d.topic}: ${d.keys.map((key) => `\`${key}\` (${sentAs.get(key) ?? ''})`).join(', ')}`),
          '',
        ]),
    doc.network,
    '',
    '### How the data is handled',
    '',
    ...doc.policy.map((p) => `- **${p.label}:** ${p.text}`),
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
