/**
 * Geometry of the 住民票の写し form, in millimetres on A4 portrait. Everything is placed in mm and
 * converted to pixels only when rasterizing, so every dpi gives the same page.
 */

export const PAGE_MM = { width: 210, height: 297 } as const;

export const MM_PER_INCH = 25.4;

/** Pixel size of an A4 page; 2480×3508 at 300 dpi. */
export function pagePixels(dpi: number): { widthPx: number; heightPx: number } {
  return {
    widthPx: Math.round((PAGE_MM.width * dpi) / MM_PER_INCH),
    heightPx: Math.round((PAGE_MM.height * dpi) / MM_PER_INCH),
  };
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Left and right edge of the content column. */
export const CONTENT = { left: 15, right: 195 } as const;
const CONTENT_WIDTH = CONTENT.right - CONTENT.left;

export const TITLE = { x: 105, baseline: 26, size: 8, letterSpacing: 3 } as const;

/** 交付番号 box at the top right. */
export const SERIAL_BOX = { x: 138, y: 9.5, width: 57, height: 7, labelWidth: 17, size: 2.8 } as const;

/** 住所 / 世帯主 table under the title. */
export const HEADER = {
  x: CONTENT.left,
  y: 34,
  width: CONTENT_WIDTH,
  labelWidth: 30,
  addressHeight: 12,
  householderHeight: 9,
} as const;

/** One person's block; cells are relative to the block's top-left corner. */
export const PERSON_BLOCK = {
  width: CONTENT_WIDTH,
  height: 36,
  labelSize: 2.8,
  valueSize: 4,
  cells: {
    nameLabel: { x: 0, y: 0, width: 30, height: 16 },
    name: { x: 30, y: 0, width: 100, height: 16 },
    sexLabel: { x: 130, y: 0, width: 20, height: 16 },
    sex: { x: 150, y: 0, width: 30, height: 16 },
    birthLabel: { x: 0, y: 16, width: 30, height: 10 },
    birth: { x: 30, y: 16, width: 70, height: 10 },
    relationshipLabel: { x: 100, y: 16, width: 26, height: 10 },
    relationship: { x: 126, y: 16, width: 54, height: 10 },
    residentLabel: { x: 0, y: 26, width: 30, height: 10 },
    resident: { x: 30, y: 26, width: 70, height: 10 },
    remarksLabel: { x: 100, y: 26, width: 26, height: 10 },
    remarks: { x: 126, y: 26, width: 54, height: 10 },
  },
  /** ふりがな above the name. */
  kana: { baselineOffset: 5.2, size: 2.6 },
  name: { baselineOffset: 12.6, size: 5.2 },
} as const;

const PERSONS_TOP = 59;
const PERSON_GAP = 3;
/** Lowest point a block may reach: the 以下余白 line and the footer come after it. */
const PERSONS_BOTTOM = 215;

/** How many person blocks fit on one page (4 with the numbers above). */
export const PERSONS_PER_PAGE = Math.floor(
  (PERSONS_BOTTOM - PERSONS_TOP + PERSON_GAP) / (PERSON_BLOCK.height + PERSON_GAP),
);

/** Top-left corner of the block in slot `slot` (0-based) of a page. */
export function personSlot(slot: number): { x: number; y: number } {
  return { x: CONTENT.left, y: PERSONS_TOP + slot * (PERSON_BLOCK.height + PERSON_GAP) };
}

/**
 * Horizontal bands (mm, top and bottom) that differ between page variants: the person blocks in
 * use and the certification. Outside them every page is the same, which lets pages be assembled
 * from whole rows of two prepared backgrounds (see ./assets). Bands end mid-gap, clear of strokes.
 */
export function personsBand(slotsUsed: number): { top: number; bottom: number } {
  return {
    top: PERSONS_TOP - PERSON_GAP / 2,
    bottom: personSlot(slotsUsed - 1).y + PERSON_BLOCK.height + PERSON_GAP / 2,
  };
}

/** Baseline of the 以下余白 / 次頁に続く line after `slotsUsed` blocks. */
export function endMarkBaseline(slotsUsed: number): number {
  return personSlot(slotsUsed - 1).y + PERSON_BLOCK.height + 5;
}

/** The certification area, printed on the last page only. */
export const CERTIFICATION = {
  box: { x: CONTENT.left, y: 221, width: CONTENT_WIDTH, height: 57 },
  sentence: { x: 22, baseline: 229, size: 4.2 },
  date: { x: 30, baseline: 240, size: 4.2 },
  /** 「○○市長 氏名」, right-aligned so the seal can sit on its end as on paper certificates. */
  mayor: { right: 173, baseline: 256, size: 5, maxWidth: 120 },
  seal: { x: 170, y: 244, size: 18 },
  notes: { x: CONTENT.left, baseline: 270, lineGap: 4.2, size: 2.6 },
} as const;

export function certificationBand(): { top: number; bottom: number } {
  const { y, height } = CERTIFICATION.box;
  return { top: y - 1.5, bottom: y + height + 1.5 };
}

/** The running footer on every page. */
export const FOOTER = { ruleY: 281, baseline: 286, size: 2.5, pageSize: 3.2 } as const;

/** Splits `count` persons into pages: `[start, end)` index ranges, at least one page. */
export function paginate(count: number): { start: number; end: number }[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`a document needs persons, got ${count}`);
  const pages: { start: number; end: number }[] = [];
  for (let start = 0; start < count; start += PERSONS_PER_PAGE) {
    pages.push({ start, end: Math.min(start + PERSONS_PER_PAGE, count) });
  }
  return pages;
}
