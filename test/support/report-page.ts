/** Reading an `optel report` page back: its `data-figure` elements, as text. */

const FIGURE = /<(?:span|strong)[^>]*\bdata-figure="([^"]*)"[^>]*>([^<]*)</g;

const unescape = (text: string): string => text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));

/** Every figure's name → the text shown for it. */
export function figuresOf(html: string): Map<string, string> {
  const figures = new Map<string, string>();
  for (const match of html.matchAll(FIGURE)) figures.set(unescape(match[1] ?? ''), unescape(match[2] ?? ''));
  return figures;
}
