import type { DocumentPayload } from 'hq-gateway/api/schemas';
import { describe, expect, it } from 'vitest';
import { renderDocument } from './juminhyo';
import { CONTENT, PERSON_BLOCK, personSlot } from './layout';
import { sampleDocument } from './sample';
import { loadSharp } from './sharp';

/** Mean and number of dark pixels (any channel < 100) of a PNG region given in mm. */
async function inkIn(png: Buffer, box: { x: number; y: number; width: number; height: number }, dpi = 300) {
  const sharp = await loadSharp();
  const px = (mm: number) => Math.round((mm * dpi) / 25.4);
  const { data, info } = await sharp(png)
    .extract({ left: px(box.x), top: px(box.y), width: px(box.width), height: px(box.height) })
    .raw()
    .toBuffer({ resolveWithObject: true });
  let dark = 0;
  for (let i = 0; i < data.length; i += info.channels) {
    if (Math.min(data[i]!, data[i + 1]!, data[i + 2]!) < 100) dark++;
  }
  return dark;
}

const nameCell = (slot: number) => {
  const { x, y } = personSlot(slot);
  const c = PERSON_BLOCK.cells.name;
  return { x: x + c.x + 1, y: y + c.y + 1, width: c.width - 2, height: c.height - 2 };
};

describe('renderDocument', () => {
  it('renders one A4 page at 300 dpi with the density recorded', async () => {
    const pages = await renderDocument(sampleDocument(3));
    expect(pages).toHaveLength(1);
    const [page] = pages;
    expect(page).toMatchObject({ widthPx: 2480, heightPx: 3508, dpi: 300, pageNumber: 1, pageCount: 1 });
    const sharp = await loadSharp();
    const meta = await sharp(page!.png).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 2480, height: 3508, density: 300 });
  });

  it('draws the form, the values and the background (not blank)', async () => {
    const [page] = await renderDocument(sampleDocument(1));
    const sharp = await loadSharp();
    const stats = await sharp(page!.png).stats();
    // Mostly light paper with a tint pattern, but with real ink on it.
    expect(stats.channels[0]!.mean).toBeGreaterThan(200);
    expect(stats.channels[0]!.min).toBeLessThan(50);
    expect(stats.channels[0]!.stdev).toBeGreaterThan(10);
    // The name cell holds the name; the empty second block area holds nothing dark.
    expect(await inkIn(page!.png, nameCell(0))).toBeGreaterThan(2000);
    expect(await inkIn(page!.png, nameCell(1))).toBe(0);
  });

  it('renders names with XML special characters literally', async () => {
    const doc = sampleDocument(1);
    doc.persons[0]!.name = 'A<B & "C" </text><svg>';
    doc.householder = '<&>';
    doc.address = `東京都千代田区'"&<>`;
    const [page] = await renderDocument(doc);
    expect(await inkIn(page!.png, nameCell(0))).toBeGreaterThan(2000);
  });

  it.each([
    [1, 1],
    [2, 1],
    [3, 1],
    [4, 1],
    [5, 2],
    [6, 2],
  ])('%i persons → %i page(s), each numbered x/y', async (persons, expected) => {
    const pages = await renderDocument(sampleDocument(persons));
    expect(pages.map((p) => [p.pageNumber, p.pageCount])).toEqual(
      Array.from({ length: expected }, (_, i) => [i + 1, expected]),
    );
    // The last page's blocks: exactly the persons left over.
    const last = pages.at(-1)!;
    const onLast = persons - (expected - 1) * 4;
    for (let slot = 0; slot < 4; slot++) {
      const ink = await inkIn(last.png, nameCell(slot));
      if (slot < onLast) expect(ink, `slot ${slot}`).toBeGreaterThan(1000);
      else expect(ink, `slot ${slot}`).toBe(0);
    }
  });

  it('prints the certification only on the last page', async () => {
    const pages = await renderDocument(sampleDocument(6));
    const certification = { x: CONTENT.left, y: 222, width: 180, height: 40 };
    expect(await inkIn(pages[0]!.png, certification)).toBe(0);
    expect(await inkIn(pages[1]!.png, certification)).toBeGreaterThan(5000);
  });

  it('is deterministic, also after rendering other documents', async () => {
    const doc = sampleDocument(2);
    const [before] = await renderDocument(doc);
    await renderDocument(sampleDocument(6)); // reuses and overwrites the page buffer
    const [after] = await renderDocument(doc);
    expect(after!.png.equals(before!.png)).toBe(true);
  });

  it('renders at other resolutions', async () => {
    const [page] = await renderDocument(sampleDocument(1), { dpi: 150 });
    expect(page).toMatchObject({ widthPx: 1240, heightPx: 1754, dpi: 150 });
    const meta = await (await loadSharp())(page!.png).metadata();
    expect([meta.width, meta.height, meta.density]).toEqual([1240, 1754, 150]);
  });

  it('refuses bad input before drawing', async () => {
    await expect(renderDocument(sampleDocument(1), { dpi: 0 })).rejects.toThrow(RangeError);
    const noPersons: DocumentPayload = { ...sampleDocument(1), persons: [] };
    await expect(renderDocument(noPersons)).rejects.toThrow(RangeError);
    const badDate = sampleDocument(1);
    badDate.persons[0]!.birthDate = '1985-02-30';
    await expect(renderDocument(badDate)).rejects.toThrow(RangeError);
  });

  it('renders a page in well under a second once warm', async () => {
    const doc = sampleDocument(4);
    await renderDocument(doc);
    const start = performance.now();
    await renderDocument(doc);
    expect(performance.now() - start).toBeLessThan(1000);
  });
});
