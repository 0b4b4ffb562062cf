import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { pdfIncompatibility, pngsToPdf, readPng, UnsupportedPng } from './png-pdf';

const rgb = (width: number, height: number, dpi?: number) => {
  const image = sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 90 } } }).png();
  return (dpi ? image.withDensity(dpi) : image).toBuffer();
};

/** Every xref entry must point at its `N 0 obj`, and startxref at the table. */
function checkXref(pdf: Buffer): number {
  const text = pdf.toString('latin1');
  const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)?.[1]);
  expect(text.slice(startxref, startxref + 4)).toBe('xref');
  const [, first, count] = /^xref\n(\d+) (\d+)\n/.exec(text.slice(startxref))!;
  expect(first).toBe('0');
  const rows = text
    .slice(startxref)
    .split('\n')
    .slice(2, 2 + Number(count));
  rows.forEach((row, id) => {
    expect(row).toHaveLength(19); // 20 bytes with the newline
    if (id === 0) return;
    const offset = Number(row.slice(0, 10));
    expect(text.slice(offset, offset + `${id} 0 obj`.length)).toBe(`${id} 0 obj`);
  });
  return Number(count);
}

describe('pngsToPdf', () => {
  it('embeds each PNG as one page of its own size, without re-encoding', async () => {
    const a4 = await rgb(2480, 3508, 300);
    const small = await rgb(300, 150); // no density recorded: 300 dpi assumed
    const pdf = pngsToPdf([a4, small]);
    const text = pdf.toString('latin1');

    expect(text.startsWith('%PDF-1.4\n')).toBe(true);
    expect(checkXref(pdf)).toBe(9); // free entry, catalog, page tree, 3 objects per page
    expect(text).toContain('/Count 2');
    expect(text).toContain('/MediaBox [0 0 595.2 841.92]'); // A4
    expect(text).toContain('/MediaBox [0 0 72 36]');
    expect(text).toContain('/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode');
    expect(text).toContain('/Predictor 15 /Colors 3 /BitsPerComponent 8 /Columns 2480');
    // The image stream is the PNG's IDAT data, byte for byte.
    expect(pdf.includes(readPng(a4).data)).toBe(true);
  });

  it('handles grey, 16-bit and palette PNGs', async () => {
    const base = sharp({ create: { width: 64, height: 32, channels: 3, background: '#777' } });
    const grey16 = await base.clone().toColourspace('grey16').png().toBuffer();
    const palette = await base.clone().png({ palette: true, colours: 4 }).toBuffer();
    expect(readPng(grey16)).toMatchObject({ colorType: 0, bitDepth: 16 });
    expect(readPng(palette).colorType).toBe(3);
    const text = pngsToPdf([grey16, palette]).toString('latin1');
    expect(text).toContain('/ColorSpace /DeviceGray /BitsPerComponent 16');
    expect(text).toMatch(/\/ColorSpace \[\/Indexed \/DeviceRGB \d+ <[0-9a-f]+>\]/);
  });

  it('refuses PNGs it would have to decode', async () => {
    const alpha = await sharp({ create: { width: 8, height: 8, channels: 4, background: '#0008' } })
      .png()
      .toBuffer();
    const interlaced = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
      .png({ progressive: true })
      .toBuffer();
    const plain = await rgb(8, 8);
    expect(pdfIncompatibility(readPng(alpha))).toMatch(/alpha/);
    expect(() => pngsToPdf([plain, interlaced])).toThrow(new UnsupportedPng('page 2: interlaced PNG'));
    expect(() => pngsToPdf([Buffer.from('%PDF-1.7')])).toThrow(UnsupportedPng);
    expect(() => readPng(plain.subarray(0, 40))).toThrow(/truncated/);
  });

  // qpdf is installed by test/setup/system-deps.mjs, which `npm test` runs first.
  it('gives a PDF whose images decode to the PNG pixels (qpdf)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'png-pdf-'));
    try {
      // Noise with a gradient: every PNG row filter gets used.
      const raw = Buffer.alloc(97 * 61 * 3, 0);
      for (let i = 0; i < raw.length; i++) raw[i] = (i % 7 === 0 ? (i * 2654435761) >>> 24 : i / 80) & 0xff;
      const png = await sharp(raw, { raw: { width: 97, height: 61, channels: 3 } })
        .png({ adaptiveFiltering: true })
        .toBuffer();
      const file = join(dir, 'page.pdf');
      await writeFile(file, pngsToPdf([png]));
      execFileSync('qpdf', ['--check', file]);
      const pixels = execFileSync('qpdf', [
        '--show-object=5',
        '--filtered-stream-data',
        '--decode-level=all',
        file,
      ]);
      const { data } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
      expect(pixels.equals(data)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('pngsToPdf with rendered certificates', () => {
  it('wraps 600 dpi greyscale pages as A4 without re-encoding', async () => {
    const { renderDocument } = await import('../render/index');
    const { sampleJuminhyo } = await import('../render/sample');
    const pages = await renderDocument(sampleJuminhyo(6));
    const pdf = pngsToPdf(pages.map((p) => p.png));
    const text = pdf.toString('latin1');
    expect(checkXref(pdf)).toBe(3 + 3 * pages.length);
    expect(text).toContain(`/Count ${pages.length}`);
    expect(text).toContain('/MediaBox [0 0 595.32 841.92]'); // 4961×7016 px at 600 dpi = A4
    expect(text).toContain('/ColorSpace /DeviceGray /BitsPerComponent 8');
    for (const page of pages) expect(pdf.includes(readPng(page.png).data)).toBe(true);
  });
});
