import type { AttributeValue } from '@opentelemetry/api';
import type { AttributeCatalogue, ValueShape } from '../config/options.js';
import { hasBackReference, repeatedUnboundedGroups } from './linear-pattern.js';

/**
 * The shapes an app declares for its `clear` values (`values`, `pattern`,
 * `maxLength`), checked before anything else: a value of another shape
 * leaves as `[other]`, so for a key declared with `values` a leak is not
 * unlikely but impossible, whatever the generic scrubber would have missed.
 */

/** What a value of an undeclared shape becomes. */
export const OTHER_VALUE = '[other]';

/** The longest value a `pattern` is run on when no `maxLength` is given. */
export const DEFAULT_PATTERN_MAX_LENGTH = 256;

/** The longest pattern source accepted. */
const MAX_PATTERN_SOURCE = 512;

/** A declared shape, ready to check values against. */
export interface CompiledShape {
  readonly values: ReadonlySet<string | number | boolean> | undefined;
  /** Anchored at both ends, not global; `undefined` when only `values` were declared. */
  readonly pattern: RegExp | undefined;
  /** Longer values are `[other]` before the pattern runs; `undefined` when only `values` were declared. */
  readonly maxLength: number | undefined;
  /** What the app declared, for the "what we collect" document. */
  readonly declared: { readonly values?: readonly (string | number | boolean)[]; readonly pattern?: string; readonly maxLength?: number };
}

interface CatalogueShapes {
  readonly shapes: ReadonlyMap<string, CompiledShape>;
  readonly problems: readonly string[];
}

/**
 * The catalogue carries its shapes under a registered symbol: every part
 * handed the catalogue (optel's pipeline, the processor for an app's own
 * SDK, the generated document) sees them, and `Object.keys`/`entries`
 * of the catalogue still list only keys and treatments.
 */
const SHAPES = Symbol.for('optel.attribute-value-shapes');

/** Attaches `shapes` (and the problems found compiling them) to `catalogue`; returns it. */
export function withShapes<T extends AttributeCatalogue>(catalogue: T, shapes: ReadonlyMap<string, CompiledShape>, problems: readonly string[]): T {
  const payload: CatalogueShapes = { shapes, problems };
  Object.defineProperty(catalogue, SHAPES, { value: payload, enumerable: false });
  return catalogue;
}

function shapesOf(catalogue: AttributeCatalogue): CatalogueShapes | undefined {
  return (catalogue as { [SHAPES]?: CatalogueShapes })[SHAPES];
}

/** The shape declared for `key`, if any. */
export function shapeOf(catalogue: AttributeCatalogue, key: string): CompiledShape | undefined {
  return shapesOf(catalogue)?.shapes.get(key);
}

/** What was wrong with the declared shapes (refused patterns, bad lengths), for the diagnostics. */
export function shapeProblems(catalogue: AttributeCatalogue): readonly string[] {
  return shapesOf(catalogue)?.problems ?? [];
}

/**
 * Compiles one key's declared shape. A problem never widens what leaves:
 * a refused pattern or a bad length makes every value `[other]`.
 */
export function compileShape(key: string, declared: ValueShape, problems: string[]): CompiledShape | undefined {
  const hasValues = Object.hasOwn(declared, 'values') && declared.values !== undefined;
  const hasPattern = Object.hasOwn(declared, 'pattern') && declared.pattern !== undefined;
  const hasMax = Object.hasOwn(declared, 'maxLength') && declared.maxLength !== undefined;
  if (!hasValues && !hasPattern && !hasMax) return undefined;
  let values: Set<string | number | boolean> | undefined;
  if (hasValues) {
    values = new Set();
    if (Array.isArray(declared.values)) {
      for (const value of declared.values as unknown[]) {
        if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') values.add(value);
        else problems.push(`attribute "${key}": ignoring a listed value that is not a string, number or boolean`);
      }
    } else {
      problems.push(`attribute "${key}": "values" must be an array; every value will leave as "${OTHER_VALUE}"`);
    }
  }
  let maxLength: number | undefined;
  let refused = false;
  if (hasMax) {
    const max = declared.maxLength;
    if (typeof max === 'number' && Number.isSafeInteger(max) && max >= 0) maxLength = max;
    else {
      problems.push(`attribute "${key}": "maxLength" must be a whole number of characters; every value will leave as "${OTHER_VALUE}"`);
      maxLength = 0;
      refused = true;
    }
  } else if (hasPattern) {
    maxLength = DEFAULT_PATTERN_MAX_LENGTH;
  }
  let pattern: RegExp | undefined;
  let source: string | undefined;
  if (hasPattern) {
    const compiled = compilePattern(key, declared.pattern, problems);
    pattern = compiled ?? NOTHING;
    source = compiled === undefined ? undefined : String(declared.pattern instanceof RegExp ? declared.pattern.source : declared.pattern);
  } else if (hasMax) {
    pattern = ANYTHING;
  }
  if (refused) pattern = NOTHING;
  return {
    values,
    pattern,
    maxLength,
    declared: {
      ...(values === undefined ? {} : { values: [...values] }),
      ...(source === undefined ? {} : { pattern: source }),
      ...(maxLength === undefined || !(hasMax || hasPattern) ? {} : { maxLength }),
    },
  };
}

const NOTHING = /(?!)/;
const ANYTHING = /^[^]*$/;

/**
 * The pattern anchored at both ends (so `/[a-z]+/` can't pass a value
 * that merely contains a letter), without flags that change what it
 * matches as a whole (`g`, `y`, `m`). Refused when it could run in more
 * than linear time.
 */
function compilePattern(key: string, declared: RegExp | string | undefined, problems: string[]): RegExp | undefined {
  const source = declared instanceof RegExp ? declared.source : declared;
  const flags = declared instanceof RegExp ? declared.flags.replace(/[gym]/g, '') : '';
  if (typeof source !== 'string' || source.length > MAX_PATTERN_SOURCE) {
    problems.push(`attribute "${key}": "pattern" must be a RegExp or a string of at most ${MAX_PATTERN_SOURCE} characters; every value will leave as "${OTHER_VALUE}"`);
    return undefined;
  }
  if (hasBackReference(source) || repeatedUnboundedGroups(source).length > 0) {
    problems.push(
      `attribute "${key}": "pattern" ${JSON.stringify(source)} has a back-reference or a repeated group holding *, + or {n,}, which can take exponential time; every value will leave as "${OTHER_VALUE}"`,
    );
    return undefined;
  }
  try {
    return new RegExp(`^(?:${source})$`, flags);
  } catch {
    problems.push(`attribute "${key}": "pattern" ${JSON.stringify(source)} is not a valid regular expression; every value will leave as "${OTHER_VALUE}"`);
    return undefined;
  }
}

/**
 * `value` as it may leave under `shape`: a listed value as it is; a value
 * within the length and pattern through `scrub`; anything else
 * `[other]`. Arrays element by element (a non-string element that doesn't
 * pass becomes `null`, so the array keeps one type).
 */
export function shapedValue(shape: CompiledShape, value: AttributeValue, scrub: (value: AttributeValue) => AttributeValue): AttributeValue {
  if (!Array.isArray(value)) return shapedScalar(shape, value as string | number | boolean, scrub) ?? OTHER_VALUE;
  return value.map((element: unknown) => {
    if (element === null || element === undefined) return element;
    const kept = shapedScalar(shape, element as string | number | boolean, scrub);
    if (kept !== undefined) return kept;
    return typeof element === 'string' ? OTHER_VALUE : null;
  }) as AttributeValue;
}

function shapedScalar(shape: CompiledShape, value: string | number | boolean, scrub: (value: AttributeValue) => AttributeValue): AttributeValue | undefined {
  if (shape.values?.has(value) === true) return value;
  if (shape.pattern === undefined || shape.maxLength === undefined) return undefined;
  const text = String(value);
  // The length first: the pattern never runs on more than maxLength characters.
  if (text.length > shape.maxLength || !shape.pattern.test(text)) return undefined;
  return scrub(value);
}

/** The allowed values or shape of a key, in words, for the "what we collect" document. */
export function describeShape(shape: CompiledShape): string {
  const { values, pattern, maxLength } = shape.declared;
  const free = [pattern === undefined ? '' : `matching \`${pattern}\``, maxLength === undefined ? '' : `of at most ${maxLength} characters`].filter((part) => part !== '').join(' and ');
  const allowed = [values === undefined ? '' : `one of ${values.map((value) => `\`${String(value)}\``).join(', ') || '(none)'}`, free === '' ? '' : `any value ${free}`];
  return `${allowed.filter((part) => part !== '').join(', or ')}; anything else as \`${OTHER_VALUE}\``;
}
