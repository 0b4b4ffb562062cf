/**
 * Everything on a page that does not depend on the resident, rasterized once per dpi and kept:
 * the background with the form drawn on it, and each municipality's seal. Only the filled-in
 * values are rendered per document.
 *
 * Personal data is never cached here: municipality names and seals are public, residents' are not.
 */
import { securityPattern } from './background';
import { baseFormDrawings, certificationDrawing, personGridDrawing, type FormDrawing } from './form';
import {
  certificationBand,
  MM_PER_INCH,
  pagePixels,
  PERSONS_PER_PAGE,
  personsBand,
  personSlot,
} from './layout';
import { blendOver, rasterizeSvg, type Tile } from './raster';
import { sealSvg } from './seal';
import { loadSharp, type SharpFactory } from './sharp';

export interface FormAssets {
  dpi: number;
  pxPerMm: number;
  widthPx: number;
  heightPx: number;
  /** Background, title, header table and footer rule; RGB, read-only. */
  blank: Buffer;
  /** `blank` plus every person block frame and the certification wording; RGB, read-only. */
  full: Buffer;
}

/** Kiosks print at one dpi; two entries cover a bench or a dpi change without growing without bound. */
const MAX_DPIS = 2;
const formCache = new Map<number, Promise<FormAssets>>();

/** Form assets for `dpi`, built on first use (~0.3 s at 300 dpi) and then shared. */
export function formAssets(dpi: number): Promise<FormAssets> {
  return cached(formCache, dpi, MAX_DPIS, () => buildFormAssets(dpi));
}

async function buildFormAssets(dpi: number): Promise<FormAssets> {
  const sharp = await loadSharp();
  const pxPerMm = dpi / MM_PER_INCH;
  const { widthPx, heightPx } = pagePixels(dpi);
  const [baseTiles, grid, certification] = await Promise.all([
    Promise.all(baseFormDrawings(pxPerMm).map((d) => rasterizeDrawing(sharp, d))),
    rasterizeDrawing(sharp, personGridDrawing(pxPerMm)),
    rasterizeDrawing(sharp, certificationDrawing(pxPerMm)),
  ]);
  const blank = securityPattern(widthPx, heightPx, dpi);
  for (const tile of baseTiles) blendOver({ data: blank, width: widthPx, height: heightPx }, tile);
  const full = Buffer.from(blank);
  const page = { data: full, width: widthPx, height: heightPx };
  for (let slot = 0; slot < PERSONS_PER_PAGE; slot++) {
    const { x, y } = personSlot(slot);
    blendOver(page, {
      ...grid,
      left: grid.left + Math.round(x * pxPerMm),
      top: grid.top + Math.round(y * pxPerMm),
    });
  }
  blendOver(page, certification);
  return { dpi, pxPerMm, widthPx, heightPx, blank, full };
}

/**
 * Fills `target` with the background of a page showing `slotsUsed` person blocks, and the
 * certification if `isLast`. Whole row ranges are copied from `full` or `blank`: a memcpy instead of
 * blending the frames per page (which cost ~50 ms a page at 600 dpi).
 */
export function fillPageBackground(
  assets: FormAssets,
  target: Buffer,
  slotsUsed: number,
  isLast: boolean,
): void {
  const rowBytes = assets.widthPx * 3;
  const row = (mm: number): number => Math.min(assets.heightPx, Math.max(0, Math.round(mm * assets.pxPerMm)));
  const persons = personsBand(slotsUsed);
  const certification = certificationBand();
  const ranges: [Buffer, number, number][] = [
    [assets.blank, 0, row(persons.top)],
    [assets.full, row(persons.top), row(persons.bottom)],
    [assets.blank, row(persons.bottom), row(certification.top)],
    [isLast ? assets.full : assets.blank, row(certification.top), row(certification.bottom)],
    [assets.blank, row(certification.bottom), assets.heightPx],
  ];
  for (const [source, from, to] of ranges)
    source.copy(target, from * rowBytes, from * rowBytes, to * rowBytes);
}

async function rasterizeDrawing(sharp: SharpFactory, drawing: FormDrawing): Promise<Tile> {
  return { ...(await rasterizeSvg(sharp, drawing.svg)), left: drawing.left, top: drawing.top };
}

const MAX_SEALS = 16;
const sealCache = new Map<string, Promise<Omit<Tile, 'left' | 'top'>>>();

/** The seal of `municipalityName`, `sizeMm` square, at `dpi`. */
export function sealImage(
  municipalityName: string,
  sizeMm: number,
  dpi: number,
): Promise<Omit<Tile, 'left' | 'top'>> {
  const key = JSON.stringify([municipalityName, sizeMm, dpi]);
  return cached(sealCache, key, MAX_SEALS, async () =>
    rasterizeSvg(await loadSharp(), sealSvg(municipalityName, (sizeMm * dpi) / MM_PER_INCH)),
  );
}

/** A small LRU of promises; a failed build is dropped so the next call retries. */
function cached<K, V>(cache: Map<K, Promise<V>>, key: K, max: number, build: () => Promise<V>): Promise<V> {
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
