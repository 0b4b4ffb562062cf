/**
 * The anti-copy background (コピー牽制地紋, a void pantograph): the whole page is a light dot screen in
 * which the word 複写 is a latent image.
 * - Background: single-pixel dots, one in every 4×4 (150 lines per inch at 600 dpi). A copier's optics
 *   and its ~150–300 dpi scan cannot resolve them: they blur into a light even grey that the copier's
 *   background removal drops to white.
 * - 複写: 4×4-pixel dots, one in every 16×16. Exactly the same ink coverage (1/16), so the original
 *   looks one even tint; but each coarse dot survives the blur as a dark spot the copier keeps, so on a
 *   copy the word stands out across the page.
 * Built as raw pixels once per dpi (an SVG pattern is pathologically slow) and copied under every page.
 */
import { fillRect, PAPER, strideOf, type Canvas, type Mask } from './canvas';
import { MM_PER_INCH, pagePixels } from './layout';
import { cached, staticMask } from './tiles';

/**
 * Dots are full black: the darker the dot, the more of it survives a copier's blur. With 1/16 coverage
 * the tint averages 255 − 255/16 ≈ 239.
 */
export const DOT = 0;
/** Dot pitch of the background screen in pixels at 600 dpi; the latent dots are this wide, 4× the pitch. */
const FINE_PITCH = 4;

/** The latent word, its size and the grid it repeats on (mm). */
const WORD = { text: '複写', size: 19, columnPitch: 64, rowPitch: 40, left: 8, top: 12 } as const;

export interface AntiCopyPattern extends Canvas {
  dpi: number;
  /** Where the latent word is drawn (page pixels), and its glyph mask (≥128 = latent screen). */
  words: Mask[];
}

/** The screen geometry at `dpi`: dot size and pitch in pixels. */
export function screenGeometry(dpi: number): {
  fineDot: number;
  finePitch: number;
  coarseDot: number;
  coarsePitch: number;
} {
  const fineDot = Math.max(1, Math.round(dpi / 600));
  return {
    fineDot,
    finePitch: FINE_PITCH * fineDot,
    coarseDot: FINE_PITCH * fineDot,
    coarsePitch: FINE_PITCH * FINE_PITCH * fineDot,
  };
}

const MAX_DPIS = 2;
const patternCache = new Map<number, Promise<AntiCopyPattern>>();

/** The pattern for an A4 page at `dpi`: built on first use (~0.2 s at 600 dpi), then shared. Read-only. */
export function antiCopyPattern(dpi: number): Promise<AntiCopyPattern> {
  return cached(patternCache, dpi, MAX_DPIS, () => buildPattern(dpi));
}

async function buildPattern(dpi: number): Promise<AntiCopyPattern> {
  const { widthPx: width, heightPx: height } = pagePixels(dpi);
  const stride = strideOf(width);
  const canvas: Canvas = { data: Buffer.alloc(stride * height), width, height, stride };
  const g = screenGeometry(dpi);

  // The fine screen: a dotted row every finePitch rows, copied down the page.
  fillRect(canvas, 0, 0, width, height, PAPER);
  const dotted = Buffer.alloc(stride, PAPER);
  dotted[0] = 0;
  for (let x = 0; x < width; x += g.finePitch) dotted.fill(DOT, 1 + x, 1 + Math.min(width, x + g.fineDot));
  for (let y = 0; y < height; y += g.finePitch)
    for (let r = 0; r < g.fineDot && y + r < height; r++) dotted.copy(canvas.data, (y + r) * stride);

  // The latent word: inside its glyphs, the coarse screen replaces the fine one.
  const pxPerMm = dpi / MM_PER_INCH;
  const glyph = await staticMask(
    [{ text: WORD.text, x: 0, y: WORD.size, size: WORD.size, bold: true, letterSpacing: WORD.size * 0.15 }],
    pxPerMm,
  );
  const words: Mask[] = [];
  for (let row = 0; ; row++) {
    const top = Math.round((WORD.top + row * WORD.rowPitch) * pxPerMm) + glyph.top;
    if (top >= height) break;
    // Every other row shifted by half a column, so the words do not line up in columns.
    const shift = row % 2 === 0 ? 0 : WORD.columnPitch / 2;
    for (let col = -1; ; col++) {
      const left = Math.round((WORD.left + shift + col * WORD.columnPitch) * pxPerMm) + glyph.left;
      if (left >= width) break;
      if (left + glyph.width <= 0) continue;
      const word = { ...glyph, left, top };
      paintLatent(canvas, word, g.coarseDot, g.coarsePitch);
      words.push(word);
    }
  }
  return { ...canvas, dpi, words };
}

/** Repaints the pixels under the glyph (coverage ≥ 50%) with the coarse screen. */
function paintLatent(canvas: Canvas, word: Mask, dot: number, pitch: number): void {
  const x0 = Math.max(0, word.left);
  const x1 = Math.min(canvas.width, word.left + word.width);
  const y0 = Math.max(0, word.top);
  const y1 = Math.min(canvas.height, word.top + word.height);
  const d = canvas.data;
  for (let y = y0; y < y1; y++) {
    const dottedRow = y % pitch < dot;
    let m = (y - word.top) * word.width + (x0 - word.left);
    let i = y * canvas.stride + 1 + x0;
    for (let x = x0; x < x1; x++, m++, i++) {
      if (word.data[m]! < 128) continue;
      d[i] = dottedRow && x % pitch < dot ? DOT : PAPER;
    }
  }
}
