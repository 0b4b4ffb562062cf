import type { SharpFactory } from './sharp';
import { specBounds, svgText, type TextSpec } from './text';

/** An RGB page being composed (3 bytes a pixel, no alpha). */
export interface RgbImage {
  data: Buffer;
  width: number;
  height: number;
}

/** An RGBA image (straight alpha) placed at `left`, `top` in page pixels. */
export interface Tile {
  data: Buffer;
  width: number;
  height: number;
  left: number;
  top: number;
}

/** Rasterizes an SVG document (its width and height in pixels) to RGBA. */
export async function rasterizeSvg(sharp: SharpFactory, svg: string): Promise<Omit<Tile, 'left' | 'top'>> {
  const { data, info } = await sharp(Buffer.from(svg, 'utf8'))
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 4) throw new Error(`expected RGBA from SVG, got ${info.channels} channels`);
  return { data, width: info.width, height: info.height };
}

export function svgDocument(widthPx: number, heightPx: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${widthPx}" height="${heightPx}">${body}</svg>`;
}

/**
 * Renders a few lines of text as one small tile covering just their glyphs. Small tiles are the
 * point: librsvg's cost grows with the surface area, and a full-page text layer at 600 dpi costs
 * ~0.8 s where thirty tight tiles cost ~50 ms.
 */
export async function renderTextTile(
  sharp: SharpFactory,
  specs: readonly TextSpec[],
  pxPerMm: number,
): Promise<Tile> {
  if (specs.length === 0) throw new Error('renderTextTile needs at least one text');
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const spec of specs) {
    const b = specBounds(spec);
    x0 = Math.min(x0, b.x);
    y0 = Math.min(y0, b.y);
    x1 = Math.max(x1, b.x + b.width);
    y1 = Math.max(y1, b.y + b.height);
  }
  const left = Math.floor(x0 * pxPerMm);
  const top = Math.floor(y0 * pxPerMm);
  const width = Math.ceil(x1 * pxPerMm) - left;
  const height = Math.ceil(y1 * pxPerMm) - top;
  const origin = { x: left, y: top };
  const body = specs.map((spec) => svgText(spec, pxPerMm, origin)).join('');
  const image = await rasterizeSvg(sharp, svgDocument(width, height, body));
  return { ...image, left, top };
}

/** Alpha-blends `tile` over `page` in place ("over" operator), clipped to the page. */
export function blendOver(page: RgbImage, tile: Tile): void {
  const { data: dst, width: pw } = page;
  const src = tile.data;
  const x0 = Math.max(0, tile.left);
  const y0 = Math.max(0, tile.top);
  const x1 = Math.min(pw, tile.left + tile.width);
  const y1 = Math.min(page.height, tile.top + tile.height);
  for (let y = y0; y < y1; y++) {
    let s = ((y - tile.top) * tile.width + (x0 - tile.left)) * 4;
    let d = (y * pw + x0) * 3;
    for (let x = x0; x < x1; x++, s += 4, d += 3) {
      // Most of a text tile is empty: skip it cheaply.
      const a = src[s + 3]!;
      if (a === 0) continue;
      if (a === 255) {
        dst[d] = src[s]!;
        dst[d + 1] = src[s + 1]!;
        dst[d + 2] = src[s + 2]!;
        continue;
      }
      const b = 255 - a;
      dst[d] = (src[s]! * a + dst[d]! * b + 127) / 255;
      dst[d + 1] = (src[s + 1]! * a + dst[d + 1]! * b + 127) / 255;
      dst[d + 2] = (src[s + 2]! * a + dst[d + 2]! * b + 127) / 255;
    }
  }
}

/**
 * Reuses page-sized buffers. A fresh 100 MB buffer (A4 RGB at 600 dpi) costs ~0.3 s in page faults
 * alone; a reused one is just a memcpy. Keeps at most `keep` idle buffers of each size.
 */
export class BufferPool {
  private readonly idle = new Map<number, Buffer[]>();

  constructor(private readonly keep = 2) {}

  acquire(bytes: number): Buffer {
    return this.idle.get(bytes)?.pop() ?? Buffer.allocUnsafe(bytes);
  }

  release(buffer: Buffer): void {
    const list = this.idle.get(buffer.length) ?? [];
    if (list.length < this.keep) list.push(buffer);
    this.idle.set(buffer.length, list);
  }
}
