import type { DocumentPayload } from 'hq-gateway/api/schemas';
import { fillPageBackground, formAssets, sealImage, type FormAssets } from './assets';
import { formatWareki, japanDateOf } from './era';
import {
  CERTIFICATION,
  CONTENT,
  endMarkBaseline,
  FOOTER,
  HEADER,
  paginate,
  PERSON_BLOCK,
  personSlot,
  SERIAL_BOX,
  type Box,
} from './layout';
import { blendOver, BufferPool, renderTextTile, type Tile } from './raster';
import { loadSharp, type SharpFactory } from './sharp';
import { fitSize, widthEm, wrapLines, type TextSpec } from './text';

export interface RenderedPage {
  png: Buffer;
  widthPx: number;
  heightPx: number;
  dpi: number;
  /** 1-based. */
  pageNumber: number;
  pageCount: number;
}

export interface RenderOptions {
  /** Print resolution; 300 by default (A4 = 2480×3508 px). */
  dpi?: number;
}

export const DEFAULT_DPI = 300;

/**
 * PNG settings measured for speed: adaptive filtering costs more than it saves on a page that is
 * mostly a repeating pattern, and level 3 is ~2× faster than 6 for ~10% more bytes.
 */
const PNG_OPTIONS = { compressionLevel: 3, adaptiveFiltering: false } as const;

// Pages are rendered one at a time, so one idle page buffer is enough.
const pool = new BufferPool(1);

/**
 * Builds the static parts for `dpi` ahead of time (background, form, grid), so the first customer
 * does not wait for them. Optional: renderDocument does it on first use.
 */
export async function prepareRenderer(dpi: number = DEFAULT_DPI): Promise<void> {
  await formAssets(checkDpi(dpi));
}

/**
 * Renders a 住民票の写し as A4 PNG pages: up to four persons a page, the certification and seal on
 * the last page, page x/y and the serial on every page.
 */
export async function renderDocument(
  doc: DocumentPayload,
  options: RenderOptions = {},
): Promise<RenderedPage[]> {
  const dpi = checkDpi(options.dpi ?? DEFAULT_DPI);
  const ranges = paginate(doc.persons.length);
  // Format all dates first: a bad date fails the whole document before any page is drawn.
  const issueDate = formatWareki(japanDateOf(doc.issuedAt));
  const persons = doc.persons.map((p) => ({
    ...p,
    birth: formatWareki(p.birthDate),
    resident: formatWareki(p.becameResidentOn),
  }));
  const [sharp, assets, seal] = await Promise.all([
    loadSharp(),
    formAssets(dpi),
    sealImage(doc.municipality.name, CERTIFICATION.seal.size, dpi),
  ]);

  const pages: RenderedPage[] = [];
  for (const [index, range] of ranges.entries()) {
    const pageNumber = index + 1;
    const isLast = pageNumber === ranges.length;
    const texts = [
      ...commonTexts(doc, pageNumber, ranges.length),
      ...persons.slice(range.start, range.end).flatMap((person, slot) => personTexts(person, slot)),
      [endMark(range.end - range.start, isLast)],
      ...(isLast ? certificationTexts(doc, issueDate) : []),
    ];
    const tiles = await Promise.all(texts.map((group) => renderTextTile(sharp, group, assets.pxPerMm)));
    const overlays: Tile[] = [...tiles];
    if (isLast) {
      const { x, y } = CERTIFICATION.seal;
      overlays.push({ ...seal, left: Math.round(x * assets.pxPerMm), top: Math.round(y * assets.pxPerMm) });
    }
    const png = await composePng(sharp, assets, range.end - range.start, isLast, overlays);
    pages.push({
      png,
      widthPx: assets.widthPx,
      heightPx: assets.heightPx,
      dpi,
      pageNumber,
      pageCount: ranges.length,
    });
  }
  return pages;
}

function checkDpi(dpi: number): number {
  if (!Number.isInteger(dpi) || dpi < 72 || dpi > 1200)
    throw new RangeError(`dpi must be an integer 72–1200, got ${dpi}`);
  return dpi;
}

/** Assembles the page background, draws the overlays on it and encodes PNG. */
async function composePng(
  sharp: SharpFactory,
  assets: FormAssets,
  slotsUsed: number,
  isLast: boolean,
  overlays: readonly Tile[],
): Promise<Buffer> {
  const data = pool.acquire(assets.blank.length);
  try {
    fillPageBackground(assets, data, slotsUsed, isLast);
    const page = { data, width: assets.widthPx, height: assets.heightPx };
    for (const tile of overlays) blendOver(page, tile);
    return await sharp(data, { raw: { width: assets.widthPx, height: assets.heightPx, channels: 3 } })
      .png(PNG_OPTIONS)
      .withDensity(assets.dpi)
      .toBuffer();
  } finally {
    // Only after encoding: libvips reads the buffer until toBuffer resolves. Zeroed before it goes back to
    // the pool so no resident's page lingers in memory between transactions.
    data.fill(0);
    pool.release(data);
  }
}

/** The full-width space that separates words in Japanese typesetting. */
const IDEOGRAPHIC_SPACE = '\u3000';

/** Padding between a cell's border and its value. */
const PAD = 2.5;
const MIN_SIZE = 2;

/** A single line of value text, vertically centred in `cell`, shrunk if it would overflow. */
function cellText(text: string, cell: Box, size: number, anchor: 'start' | 'middle' = 'start'): TextSpec {
  const fitted = fitSize(text, size, cell.width - 2 * PAD, MIN_SIZE);
  return {
    text,
    x: anchor === 'middle' ? cell.x + cell.width / 2 : cell.x + PAD,
    y: cell.y + cell.height / 2 + fitted * 0.36,
    size: fitted,
    anchor,
  };
}

/** Texts that appear on every page: issuer, serial, address, householder, footer. Grouped per tile. */
function commonTexts(doc: DocumentPayload, pageNumber: number, pageCount: number): TextSpec[][] {
  const s = SERIAL_BOX;
  const serialCell = { x: s.x + s.labelWidth, y: s.y, width: s.width - s.labelWidth, height: s.height };
  const h = HEADER;
  const valueX = h.x + h.labelWidth;
  const valueWidth = h.width - h.labelWidth;
  const householderCell = {
    x: valueX,
    y: h.y + h.addressHeight,
    width: valueWidth,
    height: h.householderHeight,
  };
  const f = FOOTER;
  return [
    [issuerText(`${doc.municipality.prefecture}${doc.municipality.name}`)],
    [cellText(doc.serial, serialCell, s.size)],
    addressTexts(doc.address, { x: valueX, y: h.y, width: valueWidth, height: h.addressHeight }),
    [cellText(doc.householder, householderCell, PERSON_BLOCK.valueSize)],
    [{ text: `交付端末${IDEOGRAPHIC_SPACE}${doc.terminalId}`, x: CONTENT.left, y: f.baseline, size: f.size }],
    [{ text: `${pageNumber}/${pageCount}`, x: 105, y: f.baseline, size: f.pageSize, anchor: 'middle' }],
    [{ text: doc.serial, x: CONTENT.right, y: f.baseline, size: f.size, anchor: 'end' }],
  ];
}

/** The issuing municipality, top left. */
function issuerText(text: string): TextSpec {
  return { text, x: CONTENT.left, y: 15, size: fitSize(text, 3.6, 100, MIN_SIZE) };
}

/** The address on one line, or on two when long (building names often make it so). */
function addressTexts(address: string, cell: Box): TextSpec[] {
  const size = PERSON_BLOCK.valueSize;
  const maxWidth = cell.width - 2 * PAD;
  if (widthEm(address) * size <= maxWidth) return [cellText(address, cell, size)];
  for (let lineSize = size * 0.9; lineSize >= MIN_SIZE; lineSize *= 0.93) {
    const lines = wrapLines(address, lineSize, maxWidth, 2);
    if (!lines) continue;
    const gap = lineSize * 1.25;
    const first = cell.y + cell.height / 2 - (gap * (lines.length - 1)) / 2 + lineSize * 0.36;
    return lines.map((text, i) => ({ text, x: cell.x + PAD, y: first + i * gap, size: lineSize }));
  }
  throw new RangeError(`address too long for its field: ${JSON.stringify(address)}`);
}

interface PersonView {
  name: string;
  nameKana: string;
  sex: 'male' | 'female';
  relationship: string;
  birth: string;
  resident: string;
}

/** The values of one person's block in page slot `slot`, grouped per tile. */
function personTexts(person: PersonView, slot: number): TextSpec[][] {
  const origin = personSlot(slot);
  const at = (cell: Box): Box => ({ ...cell, x: cell.x + origin.x, y: cell.y + origin.y });
  const c = PERSON_BLOCK.cells;
  const nameCell = at(c.name);
  const maxWidth = nameCell.width - 2 * PAD;
  const size = PERSON_BLOCK.valueSize;
  return [
    [
      {
        text: person.nameKana,
        x: nameCell.x + PAD,
        y: nameCell.y + PERSON_BLOCK.kana.baselineOffset,
        size: fitSize(person.nameKana, PERSON_BLOCK.kana.size, maxWidth, 1.6),
      },
      {
        text: person.name,
        x: nameCell.x + PAD,
        y: nameCell.y + PERSON_BLOCK.name.baselineOffset,
        size: fitSize(person.name, PERSON_BLOCK.name.size, maxWidth, MIN_SIZE),
      },
    ],
    [cellText(person.sex === 'male' ? '男' : '女', at(c.sex), size, 'middle')],
    [cellText(person.birth, at(c.birth), size)],
    [cellText(person.relationship, at(c.relationship), size)],
    [cellText(person.resident, at(c.resident), size)],
  ];
}

/** 以下余白 closes the list on the last page; other pages say the list goes on. */
function endMark(slotsUsed: number, isLast: boolean): TextSpec {
  const text = isLast ? '以下余白' : '（次頁に続く）';
  return { text, x: CONTENT.right, y: endMarkBaseline(slotsUsed), size: 3.2, anchor: 'end' };
}

/** Issue date and 「○○市長 氏名」 under the certification wording. */
function certificationTexts(doc: DocumentPayload, issueDate: string): TextSpec[][] {
  const c = CERTIFICATION;
  // The certifier's title is the municipality's head: 市長, 区長, 町長 or 村長.
  const mayor = `${doc.municipality.name}長${IDEOGRAPHIC_SPACE}${doc.municipality.mayor}`;
  return [
    [{ text: issueDate, x: c.date.x, y: c.date.baseline, size: c.date.size }],
    [
      {
        text: mayor,
        x: c.mayor.right,
        y: c.mayor.baseline,
        size: fitSize(mayor, c.mayor.size, c.mayor.maxWidth, MIN_SIZE),
        anchor: 'end',
      },
    ],
  ];
}
