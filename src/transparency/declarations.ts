import type { AttributeCatalogue, AttributeDeclarations, AttributeTreatment } from '../config/options.js';

export interface SplitDeclarations {
  /** Key -> treatment: what the privacy processor enforces. */
  readonly catalogue: AttributeCatalogue;
  /** Key -> the app's description, for the generated document. */
  readonly descriptions: Readonly<Record<string, string>>;
}

/**
 * An app declares each key as `'clear'`, `'hash'`, or
 * `{ treatment, description }`. The processor needs only the treatment; the
 * "what we collect" document also shows the description. Anything else is
 * kept as an invalid treatment so the catalogue check reports it (and the key
 * is dropped).
 */
export function splitDeclarations(declarations: AttributeDeclarations): SplitDeclarations {
  const catalogue: Record<string, AttributeTreatment> = {};
  const descriptions: Record<string, string> = {};
  for (const [key, declaration] of Object.entries(declarations)) {
    if (typeof declaration === 'object' && declaration !== null) {
      catalogue[key] = declaration.treatment;
      if (typeof declaration.description === 'string') descriptions[key] = declaration.description;
    } else {
      catalogue[key] = declaration;
    }
  }
  return { catalogue, descriptions };
}
