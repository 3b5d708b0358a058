import type { AttributeCatalogue, AttributeDeclarations, AttributeTreatment } from '../config/options.js';
import type { CompiledShape } from '../privacy/value-shapes.js';
import { compileShape, withShapes } from '../privacy/value-shapes.js';

export interface SplitDeclarations {
  /** Key -> treatment: what the privacy processor enforces (with the declared value shapes attached, see withShapes). */
  readonly catalogue: AttributeCatalogue;
  /** Key -> the app's description, for the generated document. */
  readonly descriptions: Readonly<Record<string, string>>;
}

/**
 * An app declares each key as `'clear'`, `'hash'`, or
 * `{ treatment, description, values, pattern, maxLength }`. The processor
 * needs the treatment and the value shape; the "what we collect" document
 * also shows the description. Anything else is kept as an invalid treatment
 * so the catalogue check reports it (and the key is dropped).
 */
export function splitDeclarations(declarations: AttributeDeclarations): SplitDeclarations {
  const catalogue: Record<string, AttributeTreatment> = {};
  const descriptions: Record<string, string> = {};
  const shapes = new Map<string, CompiledShape>();
  const problems: string[] = [];
  for (const [key, declaration] of Object.entries(declarations)) {
    if (typeof declaration === 'object' && declaration !== null) {
      catalogue[key] = declaration.treatment;
      if (typeof declaration.description === 'string') descriptions[key] = declaration.description;
      const shape = compileShape(key, declaration, problems);
      if (shape !== undefined && declaration.treatment === 'clear') shapes.set(key, shape);
      else if (shape !== undefined) problems.push(`attribute "${key}": values, pattern and maxLength apply to "clear" keys only; a "${String(declaration.treatment)}" key ignores them`);
    } else {
      catalogue[key] = declaration;
    }
  }
  return { catalogue: withShapes(catalogue, shapes, problems), descriptions };
}
