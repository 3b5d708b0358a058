/** Text and attribute values for HTML and SVG: every value from the input passes through here. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
