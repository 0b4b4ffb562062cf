/**
 * 代替文字: a character the document font lacks (a rare 外字 in a name, e.g. 𠮷) would print as a hex
 * box. It is printed as its common form where there is one (𠮷 → 吉), otherwise as 〓 (the geta mark
 * Japanese registries use for "character not printable"), and the page says so in a footnote.
 */
import { documentFontCoverage, type FontCoverage } from './coverage';

/**
 * Well-known 異体字 outside the font, and the form registries print in their place. (BIZ UD明朝 has most
 * JIS X 0213 forms, e.g. 𡈽 and 𣘺; 𠮷 is the common one it lacks.)
 */
const COMMON_FORMS: Readonly<Record<string, string>> = {
  '\u{20BB7}': '吉', // 𠮷 (つちよし)
};

export const GETA = '〓';

/** Characters that take no glyph of their own and are never substitutes (joiners, variation selectors). */
function isIgnorable(cp: number): boolean {
  return (
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    (cp >= 0xe0100 && cp <= 0xe01ef) ||
    cp === 0x0a ||
    cp === 0x09
  );
}

export interface Substituted {
  text: string;
  /** How many characters were replaced. */
  count: number;
}

/** Replaces every character `font` lacks; counts them. */
export function substitute(text: string, font: FontCoverage = documentFontCoverage()): Substituted {
  let count = 0;
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (isIgnorable(cp) || font.has(cp)) {
      out += ch;
      continue;
    }
    count++;
    const common = COMMON_FORMS[ch];
    out += common !== undefined && font.has(common.codePointAt(0)!) ? common : GETA;
  }
  return { text: out, count };
}

/**
 * Collects substitutions over one page: every value goes through `text()`, and the page reads `count`
 * to decide on the footnote.
 */
export class SubstitutionCounter {
  count = 0;

  text(value: string): string {
    const result = substitute(value);
    this.count += result.count;
    return result.text;
  }
}
