/** Shared by the render tests: decoding pages and measuring regions of them. */
import { antiCopyPattern } from './anticopy';
import { MM_PER_INCH } from './layout';
import { loadSharp } from './sharp';

export interface GreyImage {
  data: Buffer;
  width: number;
  height: number;
}

/** A PNG page decoded to one byte a pixel. */
export async function decodeGrey(png: Buffer): Promise<GreyImage> {
  const sharp = await loadSharp();
  const { data, info } = await sharp(png).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`expected 1 channel, got ${info.channels}`);
  return { data, width: info.width, height: info.height };
}

/**
 * Pixels darker than `below` in a region given in mm, not counting the anti-copy pattern's own dots:
 * only what was printed on top of it.
 */
export async function darkPixels(
  image: GreyImage,
  box: { x: number; y: number; width: number; height: number },
  dpi = 600,
  below = 100,
): Promise<number> {
  const pattern = await antiCopyPattern(dpi);
  const px = (mm: number): number => Math.round((mm * dpi) / MM_PER_INCH);
  let dark = 0;
  for (let y = px(box.y); y < px(box.y + box.height); y++)
    for (let x = px(box.x); x < px(box.x + box.width); x++)
      if (image.data[y * image.width + x]! < below && pattern.data[y * pattern.stride + 1 + x]! >= below)
        dark++;
  return dark;
}
