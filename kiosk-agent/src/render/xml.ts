/**
 * Text for SVG documents. Names come from HQ and may hold anything a string can; one stray `<` or
 * control character would make librsvg reject the whole page, so every text goes through here.
 */

// Characters XML 1.0 forbids even when escaped, and unpaired surrogates (not encodable as UTF-8).
const FORBIDDEN =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/**
 * Escapes text for XML character data and attribute values. Forbidden characters become U+FFFD
 * (a visible replacement mark) rather than vanishing, so a damaged name is noticed on paper.
 */
export function escapeXml(text: string): string {
  return text.replace(FORBIDDEN, '\uFFFD').replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}
