/**
 * Geometry of a certificate page, in millimetres on A4 portrait. Everything is placed in mm and converted
 * to pixels only when drawing, so every dpi gives the same page. Top to bottom: issuer and 交付番号,
 * title, the certificate's tables (CONTENT), the certification (last page), the QR seal with its notes,
 * and the running footer.
 */

export const PAGE_MM = { width: 210, height: 297 } as const;

export const MM_PER_INCH = 25.4;

/** Pixel size of an A4 page: 2480×3508 at 300 dpi, 4961×7016 at 600 dpi. */
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
export const CONTENT = { left: 15, right: 195, top: 34, bottom: 205 } as const;
export const CONTENT_WIDTH = CONTENT.right - CONTENT.left;

/** The issuing municipality, top left. */
export const ISSUER = { x: CONTENT.left, baseline: 15, size: 3.6, maxWidth: 110 } as const;

export const TITLE = { x: 105, baseline: 27, size: 8, maxLetterSpacing: 3, maxWidth: 130 } as const;

/** 交付番号 box at the top right. */
export const SERIAL_BOX = { x: 138, y: 9.5, width: 57, height: 7, labelWidth: 17, size: 2.8 } as const;

/** Table typography. */
export const TABLE = {
  labelSize: 2.8,
  valueSize: 3.8,
  minSize: 2,
  pad: 2.2,
  outerStroke: 0.35,
  innerStroke: 0.15,
  /** Space between blocks, and room for the 以下余白 / 次頁に続く line after the last one. */
  gap: 3,
  endMark: { size: 3.2, below: 5, room: 7 },
} as const;

/** The certification, printed on the last page only; its band is left blank on the others. */
export const CERTIFICATION = {
  band: { top: 207, bottom: 246 },
  sentence: { x: 22, baseline: 215, size: 4.2, maxWidth: 168 },
  date: { x: 30, baseline: 225, size: 4.2 },
  /** 「○○市長 氏名」, right-aligned so the seal can sit on its end as on paper certificates. */
  mayor: { right: 170, baseline: 238, size: 5, maxWidth: 120 },
  seal: { x: 168, y: 225, size: 19 },
} as const;

/** The QR seal and the notes beside it, on every page. */
export const QR_BLOCK = {
  x: CONTENT.left,
  y: 248,
  /** The largest the symbol with its quiet zone may be. */
  maxSize: 31,
  /** Module size bounds: below 0.33 mm phone cameras struggle; above 0.5 mm it just grows. */
  minModule: 0.33,
  maxModule: 0.5,
  /** The symbol itself (without quiet zone) aims at this size. */
  targetSymbol: 27,
  quietModules: 4,
  textX: 50,
  label: { baseline: 254, size: 3.2 },
  note: { baseline: 259, size: 2.4 },
  notes: { baseline: 266, lineGap: 4.2, size: 2.4 },
} as const;

/** The running footer on every page. */
export const FOOTER = { ruleY: 282, baseline: 287.5, size: 2.6, pageSize: 3.2 } as const;
