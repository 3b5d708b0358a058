import type { AttributeCatalogue } from '../config/options.js';

/**
 * The "never collected" claims of the generated document, each with the
 * declared keys that would make it false. A claim is printed only while no
 * declared key contradicts it; when the app declares such a key (say
 * `cli.args`), the claim is left out and the key is named among the
 * personal details the app chose to collect, so the document can't say two
 * opposite things. Key names are matched by the conventions apps use
 * (OpenTelemetry's and the obvious ones): a key named against them can't be
 * recognised, which is why the attribute table, listing every declared key,
 * is what the document stands on.
 */
export interface NeverCollectedClaim {
  /** What the claim is about, in a few words (used when a declared key contradicts it). */
  readonly topic: string;
  /** The line in the "never collected" list. */
  readonly text: string;
  /** Declared keys that make the claim false. */
  readonly contradictedBy?: RegExp;
}

const token = (words: string): RegExp => new RegExp(`(^|[._-])(${words})([._-]|$)`, 'i');

export const NEVER_COLLECTED_CLAIMS: readonly NeverCollectedClaim[] = [
  { topic: 'the host name or machine id', text: 'host name, machine id', contradictedBy: /host\.(name|id|ip)|hostname|machine[._-]?id/i },
  { topic: 'a user name or email address', text: 'user name, email address', contradictedBy: token('user|username|owner|email|enduser|login') },
  {
    topic: 'a network address',
    text: 'your IP address, inside the records (the collector still sees where each request comes from: see below)',
    contradictedBy: token('ip|address|addr|peer'),
  },
  { topic: 'command-line arguments', text: 'command-line arguments', contradictedBy: token('args?|argv|arguments|command_line|command_args|cmdline') },
  { topic: 'environment variables', text: 'environment variables', contradictedBy: token('env|environ|environment_variables?') },
  {
    topic: 'a path or directory',
    text: 'the working directory and home directory (replaced by `[cwd]` and `~` wherever they appear in a value)',
    contradictedBy: token('path|paths|dir|directory|cwd|home|file|filename|folder'),
  },
  {
    topic: 'error messages and stack traces',
    text:
      'error messages, status messages and stack traces as written: optel reports a failure by its error class name only; ' +
      'an exception or status message the app records itself leaves scrubbed (secrets, personal data and local paths replaced), ' +
      'with only the stack frames inside the app and its packages, as relative paths',
  },
  { topic: 'undeclared attributes', text: 'any attribute the app did not declare' },
];

export interface DeclaredPersonal {
  readonly topic: string;
  readonly keys: readonly string[];
}

/** The claims that hold for this catalogue, and the personal details the app declared instead. */
export function neverCollected(catalogue: AttributeCatalogue): { readonly claims: string[]; readonly declared: DeclaredPersonal[] } {
  const keys = Object.keys(catalogue).filter((key) => catalogue[key] === 'clear' || catalogue[key] === 'hash');
  const claims: string[] = [];
  const declared: DeclaredPersonal[] = [];
  for (const claim of NEVER_COLLECTED_CLAIMS) {
    const pattern = claim.contradictedBy;
    const contradicting = pattern === undefined ? [] : keys.filter((key) => pattern.test(key)).sort();
    if (contradicting.length === 0) claims.push(claim.text);
    else declared.push({ topic: claim.topic, keys: contradicting });
  }
  return { claims, declared };
}
