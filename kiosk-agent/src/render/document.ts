/**
 * Certificate document (HQ's DocumentPayload v2) → printed pages: A4 greyscale PNGs at 600 dpi by
 * default, ready for the printer.
 *
 * Per page: copy the prepared anti-copy background (static, cached per dpi), draw rules and shaded
 * cells as pixels, blend the form's wording (cached masks) and the document's values (rendered per page
 * through librsvg, in parallel), draw the QR seal module by module, and deflate the rows as they are.
 * Nothing of a document outlives the call: the page buffer is zeroed before it goes back to the pool.
 */
import type { DocumentPayload } from 'hq-gateway/api/schemas';
import { antiCopyPattern } from './anticopy';
import { BufferPool, type Canvas } from './canvas';
import { PageBuilder } from './compose';
import { formatWareki, japanDateOf } from './era';
import { drawFrame } from './frame';
import { CONTENT, MM_PER_INCH, TABLE } from './layout';
import { encodeGreyPng } from './png';
import { drawQr, qrMatrix, type QrMatrix } from './qr';
import { SubstitutionCounter } from './substitute';
import { blockHeight, drawBlock, paginate, type Block } from './table';
import { certificateLayout, type CertificateLayout } from './types/layout';

export interface RenderedPage {
  /**
   * The page as an 8-bit greyscale PNG with its resolution (dpi) recorded in pHYs. The caller zeroes it
   * after printing.
   */
  png: Buffer;
  widthPx: number;
  heightPx: number;
  /** 1-based. */
  pageNumber: number;
  /** Pages of this document. */
  pages: number;
  /**
   * Characters of the whole document that the font lacks and that were printed as substitutes (代替文字),
   * the same on every page; the pages holding them carry the footnote.
   */
  substitutedChars: number;
}

export interface RenderOptions {
  /** Print resolution; 600 by default (A4 = 4961×7016 px). */
  dpi?: number;
}

export const DEFAULT_DPI = 600;

// Pages are rendered one at a time, so one idle page buffer is enough.
const pool = new BufferPool(1);

/**
 * Renders `doc` as A4 pages: tables flowing over as many pages as needed, the certification and the
 * mayor's seal on the last, issuer, title, 交付番号, QR seal, notes and x / y on every page.
 * Throws RangeError (before drawing) for a bad dpi, a date that cannot be printed, or text too long
 * for its field; messages never quote the document.
 */
export async function renderDocument(
  doc: DocumentPayload,
  options: RenderOptions = {},
): Promise<RenderedPage[]> {
  const dpi = checkDpi(options.dpi ?? DEFAULT_DPI);
  if (doc.content.type !== doc.type) throw new RangeError('document content does not match its type');
  const layout = certificateLayout(doc);
  const issueDate = formatWareki(japanDateOf(doc.issuedAt));
  const qr = qrMatrix(doc.seal);
  const headerHeight = layout.header.reduce((sum, block) => sum + blockHeight(block) + TABLE.gap, 0);
  const available = CONTENT.bottom - CONTENT.top - headerHeight - TABLE.endMark.room;
  const pagesBlocks = paginate(layout.blocks, available);
  const pattern = await antiCopyPattern(dpi);

  const pages: RenderedPage[] = [];
  let substituted = 0;
  try {
    for (const [index, blocks] of pagesBlocks.entries()) {
      const page = { layout, blocks, issueDate, qr, pageNumber: index + 1, pageCount: pagesBlocks.length };
      const { png, substitutedOnPage } = await renderPage(doc, page, pattern);
      substituted += substitutedOnPage;
      pages.push({
        png,
        widthPx: pattern.width,
        heightPx: pattern.height,
        pageNumber: page.pageNumber,
        pages: page.pageCount,
        substitutedChars: 0,
      });
    }
  } catch (error) {
    for (const page of pages) page.png.fill(0);
    throw error;
  }
  for (const page of pages) page.substitutedChars = substituted;
  return pages;
}

interface PageInput {
  layout: CertificateLayout;
  blocks: Block[];
  issueDate: string;
  qr: QrMatrix;
  pageNumber: number;
  pageCount: number;
}

async function renderPage(
  doc: DocumentPayload,
  input: PageInput,
  pattern: Canvas & { dpi: number },
): Promise<{ png: Buffer; substitutedOnPage: number }> {
  const pxPerMm = pattern.dpi / MM_PER_INCH;
  const builder = new PageBuilder(pxPerMm);
  const subs = new SubstitutionCounter();
  let y: number = CONTENT.top;
  for (const block of input.layout.header) y += drawBlock(builder, block, y, subs) + TABLE.gap;
  input.blocks.forEach((block, i) => {
    if (i > 0) y += TABLE.gap;
    y += drawBlock(builder, block, y, subs);
  });
  const isLast = input.pageNumber === input.pageCount;
  builder.formText({
    text: isLast ? '以下余白' : '（次頁に続く）',
    x: CONTENT.right,
    y: y + TABLE.endMark.below,
    size: TABLE.endMark.size,
    anchor: 'end',
  });
  drawFrame(builder, {
    doc,
    title: input.layout.title,
    certification: input.layout.certification,
    issueDate: input.issueDate,
    pageNumber: input.pageNumber,
    pageCount: input.pageCount,
    substitutedOnPage: subs.count,
  });

  const data = pool.acquire(pattern.data.length);
  try {
    pattern.data.copy(data);
    const canvas: Canvas = { data, width: pattern.width, height: pattern.height, stride: pattern.stride };
    await builder.drawOn(canvas);
    drawQr(canvas, input.qr, pxPerMm);
    return { png: await encodeGreyPng(canvas, pattern.dpi), substitutedOnPage: subs.count };
  } finally {
    // Only after encoding: zlib reads the buffer until the promise settles. Zeroed by the pool.
    pool.release(data);
  }
}

function checkDpi(dpi: number): number {
  if (!Number.isInteger(dpi) || dpi < 72 || dpi > 1200)
    throw new RangeError(`dpi must be an integer 72–1200, got ${dpi}`);
  return dpi;
}
