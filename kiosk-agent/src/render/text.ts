import { FONT_FAMILY } from './fonts';
import type { Box } from './layout';
import { escapeXml } from './xml';

/** One line of text on the page. Lengths are in millimetres; `y` is the baseline. */
export interface TextSpec {
  text: string;
  x: number;
  y: number;
  size: number;
  bold?: boolean;
  anchor?: 'start' | 'middle' | 'end';
  fill?: string;
  letterSpacing?: number;
}

/**
 * Advance width of one code point in em. BIZ UD明朝 (not the P variant) is fixed-pitch: full-width
 * characters advance 1 em and ASCII half an em, which makes widths predictable without a shaper.
 * Anything unsure counts as 1 em, so estimates err wide (a tile a little too large, never a clipped
 * glyph).
 */
function advanceEm(cp: number): number {
  if (
    (cp >= 0x0300 && cp <= 0x036f) || // combining diacritics
    (cp >= 0x200b && cp <= 0x200f) || // zero-width space, joiners, marks
    (cp >= 0x3099 && cp <= 0x309a) || // combining voiced sound marks
    (cp >= 0xfe00 && cp <= 0xfe0f) || // variation selectors
    (cp >= 0xe0100 && cp <= 0xe01ef) // ideographic variation selectors (IVS) for 異体字
  ) {
    return 0;
  }
  if ((cp >= 0x20 && cp <= 0x7e) || (cp >= 0xff61 && cp <= 0xff9f)) return 0.5;
  return 1;
}

/** Estimated width of `text` in em (see advanceEm). */
export function widthEm(text: string): number {
  let em = 0;
  for (const ch of text) em += advanceEm(ch.codePointAt(0) ?? 0);
  return em;
}

/** Width of a spec in mm, including letter spacing. */
export function specWidth(spec: TextSpec): number {
  const count = [...spec.text].length;
  return widthEm(spec.text) * spec.size + (spec.letterSpacing ?? 0) * count;
}

/**
 * The font size at which `text` fits `maxWidth`: `size` when it fits, else smaller down to
 * `minSize`. Official data must never be cut off, so text that does not fit even then is refused.
 */
export function fitSize(text: string, size: number, maxWidth: number, minSize: number): number {
  const em = widthEm(text);
  if (em * size <= maxWidth) return size;
  const fitted = maxWidth / em;
  if (fitted < minSize)
    // The text itself stays out of the message: it is personal data and errors get logged.
    throw new RangeError(`text too long for its field (${em} em)`);
  return fitted;
}

const segmenter = new Intl.Segmenter('ja', { granularity: 'grapheme' });

/** Runs that must stay on one line: numbers and Latin words such as 2305 or A-12 in an address. */
const UNBREAKABLE_RUN = /[0-9A-Za-z０-９Ａ-Ｚａ-ｚ][0-9A-Za-z０-９Ａ-Ｚａ-ｚ.\-－]*/y;

/** Splits text into units a line may break between: whole graphemes, and whole number/word runs. */
function breakUnits(text: string): string[] {
  const units: string[] = [];
  let i = 0;
  while (i < text.length) {
    UNBREAKABLE_RUN.lastIndex = i;
    const run = UNBREAKABLE_RUN.exec(text);
    if (run) {
      units.push(run[0]);
      i += run[0].length;
      continue;
    }
    const grapheme = segmenter.segment(text.slice(i)).containing(0)?.segment ?? text.slice(i, i + 1);
    units.push(grapheme);
    i += grapheme.length;
  }
  return units;
}

const isSpace = (unit: string): boolean => /^\s+$/u.test(unit);

/**
 * Breaks `text` into lines no wider than `maxWidth` at `size`. Prefers a break at a space (an
 * address's building name goes to the second line whole), never splits a number such as a room
 * number, nor a kanji from its variation selector. Returns undefined if more than `maxLines` lines
 * would be needed.
 */
export function wrapLines(
  text: string,
  size: number,
  maxWidth: number,
  maxLines: number,
): string[] | undefined {
  const maxEm = maxWidth / size;
  const lines: string[] = [];
  let line: string[] = [];
  const flush = (units: string[]): void => {
    const joined = units.join('').trim();
    if (joined !== '') lines.push(joined);
  };
  for (const unit of breakUnits(text)) {
    if (widthEm([...line, unit].join('')) <= maxEm) {
      line.push(unit);
      continue;
    }
    if (widthEm(unit) > maxEm) {
      // A run longer than a whole line: it has to be split after all, grapheme by grapheme.
      for (const { segment } of segmenter.segment(unit)) {
        if (widthEm([...line, segment].join('')) > maxEm) {
          flush(line);
          line = [];
        }
        line.push(segment);
      }
      continue;
    }
    const space = line.findLastIndex(isSpace);
    if (space > 0 && widthEm(line.slice(0, space).join('')) >= maxEm * 0.4) {
      flush(line.slice(0, space));
      line = [...line.slice(space + 1), unit];
    } else {
      flush(line);
      line = isSpace(unit) ? [] : [unit];
    }
  }
  flush(line);
  return lines.length <= maxLines ? lines : undefined;
}

/** Area (mm) that the spec's glyphs can cover, with room for ascenders, descenders and overhang. */
export function specBounds(spec: TextSpec): Box {
  const width = specWidth(spec);
  const anchorShift = spec.anchor === 'end' ? width : spec.anchor === 'middle' ? width / 2 : 0;
  const pad = 0.15 * spec.size + 0.3;
  return {
    x: spec.x - anchorShift - pad,
    y: spec.y - 1.0 * spec.size - pad,
    width: width + 2 * pad,
    height: 1.3 * spec.size + 2 * pad,
  };
}

const fmt = (n: number): string => String(Math.round(n * 100) / 100);

/** SVG `<text>` for a spec, with page mm converted to pixels relative to a tile's origin. */
export function svgText(spec: TextSpec, pxPerMm: number, origin: { x: number; y: number }): string {
  const attributes = [
    `x="${fmt(spec.x * pxPerMm - origin.x)}"`,
    `y="${fmt(spec.y * pxPerMm - origin.y)}"`,
    `font-family="${FONT_FAMILY}"`,
    `font-size="${fmt(spec.size * pxPerMm)}"`,
    spec.bold ? 'font-weight="bold"' : '',
    spec.anchor && spec.anchor !== 'start' ? `text-anchor="${spec.anchor}"` : '',
    `fill="${escapeXml(spec.fill ?? '#000')}"`,
    spec.letterSpacing ? `letter-spacing="${fmt(spec.letterSpacing * pxPerMm)}"` : '',
    // Keep runs of spaces (e.g. between family and given name) as printed by HQ.
    'xml:space="preserve"',
  ].filter((a) => a !== '');
  return `<text ${attributes.join(' ')}>${escapeXml(spec.text)}</text>`;
}
