/**
 * The tables certificates are made of: a block is a framed group of rows (one person, one address
 * history); a row is a run of cells, shaded labels and their values. Blocks flow down the page and onto
 * the next; a block never splits unless it alone is taller than a page.
 */
import type { PageBuilder } from './compose';
import { CONTENT, CONTENT_WIDTH, TABLE, type Box } from './layout';
import type { SubstitutionCounter } from './substitute';
import { fitSize, widthEm, wrapLines, type TextSpec } from './text';

export type Cell =
  /** A shaded label; `fromDocument` when its words come from the record (e.g. 出生), so never cached. */
  | { kind: 'label'; text: string; width: number; fromDocument?: boolean }
  /** A value from the record; `wrap` lets a long one (an address) take two lines. */
  | { kind: 'value'; text: string; width: number; wrap?: boolean; align?: 'start' | 'end'; size?: number }
  /** 氏名 with its フリガナ above. */
  | { kind: 'name'; name: string; kana: string; width: number }
  /** Anything else (the seal impression): drawn by the cell itself into its box. */
  | { kind: 'custom'; width: number; draw: (page: PageBuilder, box: Box, subs: SubstitutionCounter) => void };

export interface Row {
  height: number;
  cells: Cell[];
}

export interface Block {
  rows: Row[];
}

/** A shaded label cell with the form's own wording; 30 mm wide unless told. */
export function label(text: string, width = 30): Cell {
  return { kind: 'label', text, width };
}

/** A value cell; width 0 takes the rest of the row. */
export function value(text: string, width = 0, wrap = false): Cell {
  return { kind: 'value', text, width, wrap };
}

export function blockHeight(block: Block): number {
  return block.rows.reduce((sum, row) => sum + row.height, 0);
}

/** Splits blocks into pages of at most `available` mm each (blocks separated by TABLE.gap). */
export function paginate(blocks: readonly Block[], available: number): Block[][] {
  const pieces = blocks.flatMap((block) => splitTall(block, available));
  const pages: Block[][] = [[]];
  let used = 0;
  for (const block of pieces) {
    const height = blockHeight(block);
    const page = pages.at(-1)!;
    const needed = page.length === 0 ? height : used + TABLE.gap + height;
    if (needed <= available || page.length === 0) {
      page.push(block);
      used = needed;
    } else {
      pages.push([block]);
      used = height;
    }
  }
  return pages;
}

/** A block taller than a page, cut between rows into pieces that fit. */
function splitTall(block: Block, available: number): Block[] {
  if (blockHeight(block) <= available) return [block];
  const pieces: Block[] = [];
  let rows: Row[] = [];
  let height = 0;
  for (const row of block.rows) {
    if (row.height > available) throw new RangeError('a table row is taller than a page');
    if (height + row.height > available) {
      pieces.push({ rows });
      rows = [];
      height = 0;
    }
    rows.push(row);
    height += row.height;
  }
  if (rows.length > 0) pieces.push({ rows });
  return pieces;
}

/** Draws `block` with its top at `y` (mm) across the content column; returns its height. */
export function drawBlock(page: PageBuilder, block: Block, y: number, subs: SubstitutionCounter): number {
  let top = y;
  for (const [index, row] of block.rows.entries()) {
    if (index > 0) page.hline(CONTENT.left, top, CONTENT_WIDTH, TABLE.innerStroke);
    let x = CONTENT.left;
    for (const [i, cell] of row.cells.entries()) {
      const isLast = i === row.cells.length - 1;
      const width = isLast || cell.width === 0 ? CONTENT.right - x : cell.width;
      const box = { x, y: top, width, height: row.height };
      drawCell(page, cell, box, subs);
      x += width;
      if (!isLast) page.vline(x, top, row.height, TABLE.innerStroke);
    }
    top += row.height;
  }
  page.frame({ x: CONTENT.left, y, width: CONTENT_WIDTH, height: top - y }, TABLE.outerStroke);
  return top - y;
}

function drawCell(page: PageBuilder, cell: Cell, box: Box, subs: SubstitutionCounter): void {
  switch (cell.kind) {
    case 'label': {
      page.shade(box);
      const text = cell.fromDocument ? subs.text(cell.text) : cell.text;
      const size = fitSize(text, TABLE.labelSize, box.width - 2, 1.6);
      const spec = { text, x: box.x + box.width / 2, y: middle(box, size), size, anchor: 'middle' as const };
      if (cell.fromDocument) page.documentText(spec);
      else page.formText(spec);
      return;
    }
    case 'value': {
      const text = subs.text(cell.text);
      if (text.trim() === '') return;
      page.documentText(
        ...valueSpecs(text, box, cell.size ?? TABLE.valueSize, cell.wrap ?? false, cell.align),
      );
      return;
    }
    case 'name': {
      const name = subs.text(cell.name);
      const kana = subs.text(cell.kana);
      const maxWidth = box.width - 2 * TABLE.pad;
      const x = box.x + TABLE.pad;
      const specs: TextSpec[] = [];
      if (kana.trim() !== '')
        specs.push({ text: kana, x, y: box.y + box.height * 0.33, size: fitSize(kana, 2.5, maxWidth, 1.4) });
      const nameSize = fitSize(name, Math.min(5.2, box.height * 0.4), maxWidth, TABLE.minSize);
      specs.push({ text: name, x, y: box.y + box.height * 0.8, size: nameSize });
      page.documentText(...specs);
      return;
    }
    case 'custom':
      cell.draw(page, box, subs);
      return;
  }
}

/** Baseline that centres a line of `size` vertically in `box`. */
export function middle(box: Box, size: number): number {
  return box.y + box.height / 2 + size * 0.36;
}

/**
 * A value on one line, shrunk if needed; with `wrap`, a long one on two lines first (an address's
 * building name goes to the second line whole). Official data is never cut off: text that fits in no
 * way is refused (RangeError) rather than printed partially.
 */
export function valueSpecs(
  text: string,
  box: Box,
  size: number,
  wrap: boolean,
  align: 'start' | 'end' = 'start',
): TextSpec[] {
  const maxWidth = box.width - 2 * TABLE.pad;
  const x = align === 'end' ? box.x + box.width - TABLE.pad : box.x + TABLE.pad;
  if (widthEm(text) * size <= maxWidth || !wrap) {
    const fitted = fitSize(text, size, maxWidth, TABLE.minSize);
    return [{ text, x, y: middle(box, fitted), size: fitted, anchor: align }];
  }
  for (let lineSize = Math.min(size * 0.9, box.height / 2.6); lineSize >= TABLE.minSize; lineSize *= 0.93) {
    const lines = wrapLines(text, lineSize, maxWidth, 2);
    if (!lines) continue;
    const gap = lineSize * 1.2;
    const first = middle(box, lineSize) - (gap * (lines.length - 1)) / 2;
    return lines.map((line, i) => ({ text: line, x, y: first + i * gap, size: lineSize, anchor: align }));
  }
  throw new RangeError('text too long for its field');
}
