import { describe, expect, it } from 'vitest';
import { renderDocument } from './index';
import { MM_PER_INCH, QR_BLOCK } from './layout';
import { modulePixels, qrMatrix } from './qr';
import { sampleSealRegistration, sampleTaxIncome } from './sample';
import { decodeGrey, type GreyImage } from './test-helpers';

const DPI = 600;
const PX_PER_MM = DPI / MM_PER_INCH;

/** Compares every module's centre pixel on the page with a matrix regenerated from the same text. */
function checkModules(page: GreyImage, text: string): { size: number; modulePx: number } {
  const matrix = qrMatrix(text);
  const modulePx = modulePixels(matrix.size, PX_PER_MM);
  const quiet = QR_BLOCK.quietModules * modulePx;
  const left = Math.round(QR_BLOCK.x * PX_PER_MM) + quiet;
  const top = Math.round(QR_BLOCK.y * PX_PER_MM) + quiet;
  const at = (x: number, y: number): number => page.data[y * page.width + x]!;
  let mismatches = 0;
  for (let row = 0; row < matrix.size; row++) {
    for (let col = 0; col < matrix.size; col++) {
      const dark = matrix.dark[row * matrix.size + col] === 1;
      // Every pixel of the module, not just its centre: modules are exact pixel squares.
      for (let dy = 0; dy < modulePx; dy++)
        for (let dx = 0; dx < modulePx; dx++) {
          const v = at(left + col * modulePx + dx, top + row * modulePx + dy);
          if (dark ? v !== 0 : v !== 255) mismatches++;
        }
    }
  }
  expect(mismatches).toBe(0);
  // The quiet zone is paper white all round.
  for (let i = -quiet; i < matrix.size * modulePx + quiet; i++) {
    expect(at(left + i, top - quiet)).toBe(255);
    expect(at(left - quiet, top + i)).toBe(255);
    expect(at(left + i, top + matrix.size * modulePx + quiet - 1)).toBe(255);
  }
  return { size: matrix.size, modulePx };
}

describe('QR seal', () => {
  it('draws the seal text module by module on every page, 0.33–0.5 mm a module', async () => {
    const doc = sampleTaxIncome();
    const [page] = await renderDocument(doc, { dpi: DPI });
    const { size, modulePx } = checkModules(await decodeGrey(page!.png), doc.seal);
    const moduleMm = modulePx / PX_PER_MM;
    expect(moduleMm).toBeGreaterThanOrEqual(0.33);
    expect(moduleMm).toBeLessThanOrEqual(0.5);
    // About 25 mm square, quiet zone included it stays within its block.
    expect(size * moduleMm).toBeGreaterThan(20);
    expect((size + 2 * QR_BLOCK.quietModules) * moduleMm).toBeLessThanOrEqual(QR_BLOCK.maxSize);
  });

  it('follows the text: a different seal gives a different code', async () => {
    const doc = sampleSealRegistration();
    doc.seal = 'JPKS1.short.sig';
    const [page] = await renderDocument(doc, { dpi: DPI });
    const image = await decodeGrey(page!.png);
    const { modulePx } = checkModules(image, doc.seal);
    expect(modulePx / PX_PER_MM).toBeLessThanOrEqual(0.5); // a small code does not grow past 0.5 mm
    expect(() => checkModules(image, 'JPKS1.other.sig')).toThrow();
  });

  it('sizes modules in whole pixels within bounds', () => {
    expect(modulePixels(69, PX_PER_MM)).toBe(9); // version 13: 0.38 mm, 26 mm symbol
    expect(modulePixels(21, PX_PER_MM)).toBe(11); // version 1: capped at 0.5 mm
    expect(modulePixels(177, PX_PER_MM)).toBe(Math.floor(0.33 * PX_PER_MM)); // version 40: the floor
  });
});
