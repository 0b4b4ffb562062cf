import type { DocumentPayload } from 'hq-gateway/api/schemas';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NOTES } from './frame';
import { DEFAULT_DPI, renderDocument } from './index';
import { CERTIFICATION, CONTENT, QR_BLOCK, SERIAL_BOX } from './layout';
import {
  sampleDocuments,
  sampleJuminhyo,
  sampleKoseki,
  sampleKosekiFuhyo,
  sampleSealRegistration,
  sampleTaxIncome,
} from './sample';
import { loadSharp } from './sharp';
import { darkPixels, decodeGrey } from './test-helpers';

const serialValue = {
  x: SERIAL_BOX.x + SERIAL_BOX.labelWidth + 0.5,
  y: SERIAL_BOX.y + 0.5,
  width: 38,
  height: 6,
};
const title = { x: 40, y: 18, width: 130, height: 12 };
const certification = { x: CONTENT.left, y: CERTIFICATION.band.top, width: 150, height: 35 };
/** The third notes line, where the substitute footnote goes. */
const footnote = {
  x: QR_BLOCK.textX,
  y: QR_BLOCK.notes.baseline + 2 * QR_BLOCK.notes.lineGap - 3,
  width: 80,
  height: 4,
};

describe('renderDocument', () => {
  afterEach(() => vi.restoreAllMocks());

  it.each([
    ['juminhyo', sampleJuminhyo(2), 1],
    ['juminhyo (6 persons)', sampleJuminhyo(6), 2],
    ['juminhyo (all fields)', sampleJuminhyo(3, true), 2],
    ['sealRegistration', sampleSealRegistration(), 1],
    ['taxIncome', sampleTaxIncome(), 1],
    ['koseki (all)', sampleKoseki('all', 4), 2],
    ['koseki (individual)', sampleKoseki('individual'), 1],
    ['kosekiFuhyo', sampleKosekiFuhyo(), 1],
  ] as const)('%s: A4 pages at 600 dpi, numbered, certified on the last', async (_, doc, count) => {
    const pages = await renderDocument(doc);
    expect(DEFAULT_DPI).toBe(600);
    expect(pages.map((p) => [p.pageNumber, p.pages])).toEqual(
      Array.from({ length: count }, (_, i) => [i + 1, count]),
    );
    const sharp = await loadSharp();
    for (const page of pages) {
      expect(page).toMatchObject({ widthPx: 4961, heightPx: 7016, substitutedChars: 0 });
      const meta = await sharp(page.png).metadata();
      expect(meta).toMatchObject({ format: 'png', width: 4961, height: 7016, channels: 1, density: 600 });
      const image = await decodeGrey(page.png);
      expect(await darkPixels(image, title)).toBeGreaterThan(5000);
      expect(await darkPixels(image, serialValue)).toBeGreaterThan(500);
      const certified = await darkPixels(image, certification);
      if (page.pageNumber === count) expect(certified).toBeGreaterThan(20000);
      else expect(certified).toBe(0);
    }
  });

  it('prints the serial and the page number: another serial changes only those pixels', async () => {
    const a = sampleTaxIncome();
    const b = { ...sampleTaxIncome(), serial: 'TAX-2026-999999' };
    const [pa, pb] = await Promise.all([renderDocument(a), renderDocument(b)]);
    const [ia, ib] = await Promise.all([decodeGrey(pa[0]!.png), decodeGrey(pb[0]!.png)]);
    let rowsDiffering = 0;
    let serialBoxDiffers = false;
    const px = (mm: number) => Math.round((mm * 600) / 25.4);
    for (let y = 0; y < ia.height; y++) {
      const row = ia.data.subarray(y * ia.width, (y + 1) * ia.width);
      if (row.equals(ib.data.subarray(y * ib.width, (y + 1) * ib.width))) continue;
      rowsDiffering++;
      if (y >= px(serialValue.y) && y < px(serialValue.y + serialValue.height)) serialBoxDiffers = true;
    }
    expect(serialBoxDiffers).toBe(true);
    // The serial is printed top right and in the footer, nowhere else.
    expect(rowsDiffering).toBeLessThan(px(SERIAL_BOX.height + 8));
  });

  it('is deterministic, also after rendering other documents', async () => {
    const doc = sampleKosekiFuhyo();
    const [before] = await renderDocument(doc);
    for (const other of Object.values(sampleDocuments())) await renderDocument(other);
    const [after] = await renderDocument(doc);
    expect(after!.png.equals(before!.png)).toBe(true);
  });

  it('prints 𠮷 as a substitute, counts it and adds the footnote', async () => {
    const plain = sampleJuminhyo(1);
    const rare = sampleJuminhyo(1);
    const content = rare.content as Extract<DocumentPayload['content'], { type: 'juminhyo' }>;
    content.persons[0]!.name = '𠮷田　太郎';
    content.householder = '𠮷田　太郎';
    const [[withSubstitute], [without]] = await Promise.all([renderDocument(rare), renderDocument(plain)]);
    expect(withSubstitute!.substitutedChars).toBe(2);
    expect(without!.substitutedChars).toBe(0);
    expect(await darkPixels(await decodeGrey(withSubstitute!.png), footnote)).toBeGreaterThan(1000);
    expect(await darkPixels(await decodeGrey(without!.png), footnote)).toBe(0);
    expect(NOTES.substitute).toContain('代替文字');
  });

  it('renders text with XML special characters literally', async () => {
    const doc = sampleTaxIncome();
    const content = doc.content as Extract<DocumentPayload['content'], { type: 'taxIncome' }>;
    content.name = 'A<B & "C" </text><svg>';
    const [page] = await renderDocument(doc);
    expect(page!.png.length).toBeGreaterThan(1000);
  });

  it('logs nothing, and keeps personal data out of errors', async () => {
    const writes: string[] = [];
    const capture = (chunk: unknown) => {
      writes.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const)
      vi.spyOn(console, method).mockImplementation((...args) => writes.push(args.join(' ')));
    await renderDocument(sampleSealRegistration());
    const tooLong = sampleTaxIncome();
    const content = tooLong.content as Extract<DocumentPayload['content'], { type: 'taxIncome' }>;
    content.name = '秘密の名前'.repeat(40);
    const error = (await renderDocument(tooLong).then(
      () => new Error('rendered'),
      (e: unknown) => e,
    )) as Error;
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).not.toContain('秘密');
    const badDate = sampleTaxIncome();
    (badDate.content as typeof content).birthDate = '1985-02-30';
    const dateError = (await renderDocument(badDate).then(
      () => new Error('rendered'),
      (e: unknown) => e,
    )) as Error;
    expect(dateError).toBeInstanceOf(RangeError);
    expect(dateError.message).not.toContain('1985');
    expect(writes).toEqual([]);
  });

  it('refuses bad input before drawing', async () => {
    await expect(renderDocument(sampleTaxIncome(), { dpi: 0 })).rejects.toThrow(RangeError);
    const mismatched = { ...sampleTaxIncome(), type: 'koseki' as const };
    await expect(renderDocument(mismatched)).rejects.toThrow(RangeError);
  });

  it('renders at other resolutions', async () => {
    const [page] = await renderDocument(sampleSealRegistration(), { dpi: 150 });
    expect(page).toMatchObject({ widthPx: 1240, heightPx: 1754 });
    const meta = await (await loadSharp())(page!.png).metadata();
    expect([meta.width, meta.height, meta.density]).toEqual([1240, 1754, 150]);
  });
});
