import { FONT_FAMILY } from '../render/fonts';
import { MM_PER_INCH, pagePixels } from '../render/layout';
import { loadSharp } from '../render/sharp';
import { escapeXml } from '../render/xml';

export interface TestPageOptions {
  /** Printer name, printed on the page. */
  printer: string;
  /** Resolution of the PNG; 150 (default) is plenty for checking feed, alignment and toner. */
  dpi?: number;
  now?: Date;
}

/**
 * An A4 test page for staff after maintenance: a frame 5 mm inside the paper edge (shows the printable
 * area and skew), a 10 mm grid, a grey wedge (shows toner), and the printer name and time. No personal
 * data. RGB PNG with its density recorded, like the certificates.
 */
export async function testPagePng(options: TestPageOptions): Promise<Buffer> {
  const dpi = options.dpi ?? 150;
  const { widthPx, heightPx } = pagePixels(dpi);
  const mm = (value: number) => ((value * dpi) / MM_PER_INCH).toFixed(1);
  const now = options.now ?? new Date();

  const grid: string[] = [];
  for (let x = 20; x <= 190; x += 10)
    grid.push(`<line x1="${mm(x)}" y1="${mm(60)}" x2="${mm(x)}" y2="${mm(230)}"/>`);
  for (let y = 60; y <= 230; y += 10)
    grid.push(`<line x1="${mm(20)}" y1="${mm(y)}" x2="${mm(190)}" y2="${mm(y)}"/>`);
  const wedge = Array.from({ length: 10 }, (_, i) => {
    const grey = Math.round((255 * i) / 9);
    return `<rect x="${mm(20 + i * 17)}" y="${mm(245)}" width="${mm(17)}" height="${mm(20)}" fill="rgb(${grey},${grey},${grey})"/>`;
  });
  const text = (y: number, size: number, value: string) =>
    `<text x="${mm(20)}" y="${mm(y)}" font-size="${mm(size)}">${escapeXml(value)}</text>`;

  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${widthPx}" height="${heightPx}">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<rect x="${mm(5)}" y="${mm(5)}" width="${mm(200)}" height="${mm(287)}" fill="none" stroke="#000" stroke-width="${mm(0.5)}"/>`,
    `<g font-family="${FONT_FAMILY}" fill="#000">`,
    text(25, 8, '印刷テスト / Test page'),
    text(38, 4.5, options.printer),
    text(48, 4.5, now.toISOString()),
    text(280, 3.5, '枠は用紙の端から 5 mm、方眼は 10 mm / Frame 5 mm from the edge, grid 10 mm'),
    `</g>`,
    `<g stroke="#000" stroke-width="${mm(0.2)}">${grid.join('')}</g>`,
    wedge.join(''),
    `</svg>`,
  ].join('');

  const sharp = await loadSharp();
  return sharp(Buffer.from(svg, 'utf8'), { density: 72 })
    .flatten({ background: '#ffffff' })
    .png({ compressionLevel: 6 })
    .withDensity(dpi)
    .toBuffer();
}
