/**
 * Text and small drawings → coverage masks, through librsvg (sharp's SVG input). Each mask covers just
 * its glyphs: librsvg's cost grows with the surface, and thirty tight tiles rendered in parallel cost
 * ~1 ms each at 600 dpi where one page-sized text layer costs most of a second.
 *
 * Two entry points on purpose:
 * - `textMask` for per-document values: never cached, so no resident's data stays in memory;
 * - `staticMask` for the form's own wording (labels, titles, notes, municipality and mayor): public text,
 *   kept in a bounded cache so a page only blends them.
 */
import type { Mask } from './canvas';
import { loadSharp } from './sharp';
import { specBounds, svgText, type TextSpec } from './text';

export function svgDocument(widthPx: number, heightPx: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${widthPx}" height="${heightPx}">${body}</svg>`;
}

/** Rasterizes an SVG document to its alpha channel: 1 byte a pixel. */
export async function rasterizeMask(svg: string): Promise<Omit<Mask, 'left' | 'top'>> {
  const sharp = await loadSharp();
  const { data, info } = await sharp(Buffer.from(svg, 'utf8'))
    .ensureAlpha()
    .extractChannel(3)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Renders a few lines of text (mm, see TextSpec) as one mask covering just their glyphs. */
export async function textMask(specs: readonly TextSpec[], pxPerMm: number): Promise<Mask> {
  if (specs.length === 0) throw new Error('textMask needs at least one text');
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
  const width = Math.max(1, Math.ceil(x1 * pxPerMm) - left);
  const height = Math.max(1, Math.ceil(y1 * pxPerMm) - top);
  const origin = { x: left, y: top };
  const body = specs.map((spec) => svgText({ ...spec, fill: '#000' }, pxPerMm, origin)).join('');
  return { ...(await rasterizeMask(svgDocument(width, height, body))), left, top };
}

const MAX_STATIC = 512;
const staticCache = new Map<string, Promise<Mask>>();

/** Like textMask, for the form's own public wording only: cached (LRU). Never pass personal data. */
export function staticMask(specs: readonly TextSpec[], pxPerMm: number): Promise<Mask> {
  return cached(staticCache, JSON.stringify([specs, pxPerMm]), MAX_STATIC, () => textMask(specs, pxPerMm));
}

/** A small LRU of promises; a failed build is dropped so the next call retries. */
export function cached<K, V>(
  cache: Map<K, Promise<V>>,
  key: K,
  max: number,
  build: () => Promise<V>,
): Promise<V> {
  let entry = cache.get(key);
  if (entry) {
    cache.delete(key); // re-inserted below: Map order is the recency order
  } else {
    entry = build();
    entry.catch(() => {
      if (cache.get(key) === entry) cache.delete(key);
    });
  }
  cache.set(key, entry);
  while (cache.size > max) cache.delete(cache.keys().next().value as K);
  return entry;
}
