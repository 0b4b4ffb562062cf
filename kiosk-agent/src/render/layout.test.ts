import { describe, expect, it } from 'vitest';
import {
  certificationBand,
  endMarkBaseline,
  FOOTER,
  HEADER,
  pagePixels,
  paginate,
  PERSON_BLOCK,
  PERSONS_PER_PAGE,
  personsBand,
  personSlot,
} from './layout';

describe('layout', () => {
  it('A4 in pixels', () => {
    expect(pagePixels(300)).toEqual({ widthPx: 2480, heightPx: 3508 });
    expect(pagePixels(600)).toEqual({ widthPx: 4961, heightPx: 7016 });
  });

  it('paginates 1–6 persons four to a page', () => {
    expect(PERSONS_PER_PAGE).toBe(4);
    expect(paginate(1)).toEqual([{ start: 0, end: 1 }]);
    expect(paginate(4)).toEqual([{ start: 0, end: 4 }]);
    expect(paginate(5)).toEqual([
      { start: 0, end: 4 },
      { start: 4, end: 5 },
    ]);
    expect(paginate(6).map((r) => r.end - r.start)).toEqual([4, 2]);
    expect(() => paginate(0)).toThrow(RangeError);
  });

  it('keeps blocks, bands and footer apart', () => {
    const headerBottom = HEADER.y + HEADER.addressHeight + HEADER.householderHeight;
    expect(personsBand(1).top).toBeGreaterThan(headerBottom + 0.5);
    expect(personsBand(1).top).toBeLessThan(personSlot(0).y - 1);
    const full = personsBand(PERSONS_PER_PAGE);
    expect(full.bottom).toBeGreaterThan(personSlot(PERSONS_PER_PAGE - 1).y + PERSON_BLOCK.height + 1);
    // The 以下余白 line sits between the last block and the certification.
    expect(endMarkBaseline(PERSONS_PER_PAGE)).toBeLessThan(certificationBand().top);
    expect(full.bottom).toBeLessThan(certificationBand().top);
    expect(certificationBand().bottom).toBeLessThan(FOOTER.ruleY - 0.5);
  });
});
