/**
 * The void pantograph, tested the way it is meant to work: the original looks even, a photocopy shows
 * 複写. The "photocopier" is simulated with sharp: a Gaussian blur of σ = 2 px at 600 dpi (a copier's
 * optics and ~150–300 dpi scan cannot resolve detail much finer than that), a reduction to 150 dpi, and a
 * threshold at 215 (background removal: tints lighter than that print as white).
 *
 * Where the thresholds come from (measured on this pattern, 1/16 ink coverage, black dots):
 * - The fine screen blurs to a flat 229–241 (its 4 px pitch is far below σ's reach): every pixel stays
 *   above 215, so a copy of the background is white (mean 255).
 * - The 4×4 px latent dots blur to spots of 100–200: about 7% of the latent pixels go black, so the
 *   latent mean drops ~19 levels below the background. The test asks for at least 8 levels and 2% black.
 * - On the original both regions average 255 − 255/16 ≈ 239; measured difference 0.2 levels. The test
 *   allows 2 (a just-noticeable difference in a flat grey is ~2–3 levels at this brightness).
 */
import { describe, expect, it } from 'vitest';
import { antiCopyPattern } from './anticopy';
import type { Mask } from './canvas';
import { renderDocument } from './index';
import { MM_PER_INCH } from './layout';
import { sampleTaxIncome } from './sample';
import { loadSharp } from './sharp';
import { decodeGrey, type GreyImage } from './test-helpers';

const DPI = 600;
const SCALE = 4; // 600 → 150 dpi

/** Blur at 600 dpi, reduce to 150 dpi, threshold: separate steps, as sharp would otherwise reorder them. */
async function photocopy(png: Buffer): Promise<GreyImage> {
  const sharp = await loadSharp();
  const page = await decodeGrey(png);
  const raw = (image: GreyImage) => ({
    raw: { width: image.width, height: image.height, channels: 1 as const },
  });
  const blurred = await sharp(page.data, raw(page)).blur(2).toColourspace('b-w').raw().toBuffer();
  const { data, info } = await sharp(blurred, raw(page))
    .resize({ width: Math.round(page.width / SCALE) })
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  for (let i = 0; i < data.length; i++) data[i] = data[i]! < 215 ? 0 : 255;
  return { data, width: info.width, height: info.height };
}

interface Regions {
  latent: [number, number][];
  background: [number, number][];
}

/** Latent pixels (inside the glyph) and a background strip below the word, in 600 dpi pixels. */
function regions(word: Mask): Regions {
  const latent: [number, number][] = [];
  for (let y = 0; y < word.height; y++)
    for (let x = 0; x < word.width; x++)
      if (word.data[y * word.width + x]! >= 250) latent.push([word.left + x, word.top + y]);
  const background: [number, number][] = [];
  const top = word.top + word.height + Math.round((3 * DPI) / MM_PER_INCH);
  const height = Math.round((8 * DPI) / MM_PER_INCH);
  for (let y = top; y < top + height; y++)
    for (let x = word.left; x < word.left + word.width; x++) background.push([x, y]);
  return { latent, background };
}

function mean(image: GreyImage, points: [number, number][], scale = 1): number {
  let sum = 0;
  for (const [x, y] of points)
    sum += image.data[Math.floor(y / scale) * image.width + Math.floor(x / scale)]!;
  return sum / points.length;
}

function blackShare(image: GreyImage, points: [number, number][], scale: number): number {
  let black = 0;
  for (const [x, y] of points)
    if (image.data[Math.floor(y / scale) * image.width + Math.floor(x / scale)]! < 128) black++;
  return black / points.length;
}

describe('anti-copy background', () => {
  it('looks even on the original and shows 複写 on a photocopy', async () => {
    const [page] = await renderDocument(sampleTaxIncome(), { dpi: DPI });
    const original = await decodeGrey(page!.png);
    const pattern = await antiCopyPattern(DPI);
    // A word and its background strip where nothing is printed: the page equals the pattern there.
    const untouched = (points: [number, number][]): boolean =>
      points.every(
        ([x, y]) => original.data[y * original.width + x] === pattern.data[y * pattern.stride + 1 + x],
      );
    const candidates = pattern.words
      .filter(
        (w) => w.left >= 0 && w.left + w.width <= pattern.width && w.top + w.height + 300 < pattern.height,
      )
      .map(regions)
      .filter((r) => untouched(r.latent) && untouched(r.background));
    expect(candidates.length).toBeGreaterThan(0);
    const { latent, background } = candidates[0]!;

    const before = { latent: mean(original, latent), background: mean(original, background) };
    expect(before.background).toBeGreaterThan(230); // a light tint
    expect(Math.abs(before.latent - before.background)).toBeLessThan(2);

    const copy = await photocopy(page!.png);
    const after = { latent: mean(copy, latent, SCALE), background: mean(copy, background, SCALE) };
    expect(after.background).toBeGreaterThan(250); // the fine screen drops out
    expect(after.latent).toBeLessThan(after.background - 8); // the word stays
    expect(blackShare(copy, latent, SCALE)).toBeGreaterThan(0.02);
    expect(blackShare(copy, background, SCALE)).toBeLessThan(0.002);
  });

  it('repeats the word across the whole page', async () => {
    const pattern = await antiCopyPattern(DPI);
    expect(pattern.words.length).toBeGreaterThan(20);
    const rows = new Set(pattern.words.map((w) => w.top));
    expect(rows.size).toBeGreaterThanOrEqual(7);
  });
});
