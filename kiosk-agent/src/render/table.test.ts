import { describe, expect, it } from 'vitest';
import { pagePixels, TABLE } from './layout';
import { blockHeight, label, paginate, value, type Block } from './table';

const block = (...heights: number[]): Block => ({
  rows: heights.map((height) => ({ height, cells: [label('x'), value('y')] })),
});

describe('layout and pagination', () => {
  it('A4 in pixels', () => {
    expect(pagePixels(300)).toEqual({ widthPx: 2480, heightPx: 3508 });
    expect(pagePixels(600)).toEqual({ widthPx: 4961, heightPx: 7016 });
  });

  it('flows whole blocks onto the next page, with the gap between them', () => {
    const b = block(40);
    expect(paginate([b, b], 80).map((p) => p.length)).toEqual([1, 1]); // 40 + gap + 40 > 80
    expect(paginate([b, b], 80 + TABLE.gap).map((p) => p.length)).toEqual([2]);
  });

  it('splits only a block taller than a page, between rows', () => {
    const pages = paginate([block(10), block(30, 30, 30)], 70);
    expect(pages.map((p) => p.map(blockHeight))).toEqual([[10], [60], [30]]);
  });

  it('gives one page for no blocks, and refuses a row taller than a page', () => {
    expect(paginate([], 100)).toEqual([[]]);
    expect(() => paginate([block(120)], 100)).toThrow(RangeError);
  });
});
