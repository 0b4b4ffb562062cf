/**
 * Checks that Japanese text really renders in the document font rather than as hex boxes (tofu),
 * the failure you get when fontconfig does not find BIZ UD明朝. Used by the tests and usable as a
 * start-up self-test: a kiosk must not print certificates full of boxes.
 */
import { textMask } from './tiles';

export interface InkBox {
  /** Ink extent in pixels; 0×0 for nothing drawn. */
  width: number;
  height: number;
  /** Pixels with noticeable ink. */
  inkPixels: number;
  /**
   * Whether the ink is a closed rectangle outline: its outermost rows and columns are (almost)
   * entirely inked. That is how pango draws a character no font has (a box with the hex code).
   */
  missingGlyphBox: boolean;
}

/** Ink bounding box of `text` rendered through the document text path at `sizePx` pixels. */
export async function measureInk(text: string, sizePx = 100): Promise<InkBox> {
  // 1 px per mm: sizes in mm are pixels.
  const tile = await textMask([{ text, x: 0, y: sizePx, size: sizePx }], 1);
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  let inkPixels = 0;
  for (let y = 0; y < tile.height; y++) {
    for (let x = 0; x < tile.width; x++) {
      if (tile.data[y * tile.width + x]! < 128) continue;
      inkPixels++;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  if (inkPixels === 0) return { width: 0, height: 0, inkPixels, missingGlyphBox: false };
  const inked = (x: number, y: number): boolean => tile.data[y * tile.width + x]! >= 128;
  const fraction = (count: number, test: (i: number) => boolean): number => {
    let hits = 0;
    for (let i = 0; i < count; i++) if (test(i)) hits++;
    return hits / count;
  };
  const width = x1 - x0 + 1;
  const height = y1 - y0 + 1;
  const edges = [
    fraction(width, (i) => inked(x0 + i, y0)),
    fraction(width, (i) => inked(x0 + i, y1)),
    fraction(height, (i) => inked(x0, y0 + i)),
    fraction(height, (i) => inked(x1, y0 + i)),
  ];
  // A box is an outline (so not mostly filled) of about a character's size.
  const missingGlyphBox =
    edges.every((f) => f > 0.85) &&
    inkPixels < 0.6 * width * height &&
    width > 0.3 * sizePx &&
    height > 0.5 * sizePx;
  return { width, height, inkPixels, missingGlyphBox };
}

/**
 * Checks two things, which together mean "documents are set in the bundled font and only in it":
 * - 一 (U+4E00), a single horizontal stroke, renders wide and flat; a missing glyph would be a box.
 * - 𠮷 (U+20BB7), which BIZ UD明朝 lacks, renders as a missing-glyph box: no other font (e.g. a
 *   host's Noto CJK) is being used as a fallback, so fontconfig really runs on our configuration.
 */
export async function checkDocumentFont(): Promise<{ ok: boolean; detail: string }> {
  const size = 100;
  const [flat, missing] = await Promise.all([measureInk('一', size), measureInk('\u{20BB7}', size)]);
  const hasJapanese = flat.width > 0.6 * size && flat.height < 0.2 * size && !flat.missingGlyphBox;
  const isolated = missing.missingGlyphBox;
  return {
    ok: hasJapanese && isolated,
    detail:
      `一 ${flat.width}×${flat.height}px (${hasJapanese ? 'real glyph' : 'not rendered by a Japanese font'}); ` +
      `U+20BB7 ${isolated ? 'shows as a box (only the bundled font is in use)' : 'renders: another font is in use'}`,
  };
}
