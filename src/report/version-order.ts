/**
 * Orders app versions for "did this version fail more than the one before":
 * numeric parts compare as numbers (1.10.0 after 1.9.2), a pre-release comes
 * before its release (2.0.0-rc.1 before 2.0.0), anything else falls back to
 * text order.
 */
export function compareVersions(a: string, b: string): number {
  const [coreA = '', preA] = splitPre(a);
  const [coreB = '', preB] = splitPre(b);
  const partsA = coreA.split('.');
  const partsB = coreB.split('.');
  for (let i = 0; i < Math.max(partsA.length, partsB.length); i += 1) {
    const order = comparePart(partsA[i], partsB[i]);
    if (order !== 0) return order;
  }
  if (preA === undefined || preB === undefined) {
    if (preA === preB) return 0;
    return preA === undefined ? 1 : -1;
  }
  return comparePart(preA, preB) || preA.localeCompare(preB);
}

function splitPre(version: string): [string, string | undefined] {
  const clean = version.replace(/^v/, '').replace(/\+.*$/, '');
  const dash = clean.indexOf('-');
  return dash < 0 ? [clean, undefined] : [clean.slice(0, dash), clean.slice(dash + 1)];
}

function comparePart(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  const numberA = /^\d+$/.test(a) ? Number(a) : undefined;
  const numberB = /^\d+$/.test(b) ? Number(b) : undefined;
  if (numberA !== undefined && numberB !== undefined) return numberA - numberB;
  if (numberA !== undefined) return -1;
  if (numberB !== undefined) return 1;
  return a < b ? -1 : 1;
}
