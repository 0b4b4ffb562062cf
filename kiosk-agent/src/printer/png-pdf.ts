/**
 * PNG pages → one PDF, without decoding a pixel: a PNG's IDAT data is a zlib stream with PNG row
 * filters, which PDF's FlateDecode with `/Predictor 15` reads as it is. So a page costs a copy, not a
 * re-encode (milliseconds where pdf-lib's embedPng takes about a second at 300 dpi).
 *
 * Handles what the renderer and test page produce and a little more: non-interlaced greyscale, RGB and
 * palette PNGs at any bit depth. PNGs with an alpha channel or interlacing would need decoding and are
 * refused with {@link UnsupportedPng}.
 */

export class UnsupportedPng extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedPng';
  }
}

export interface PngInfo {
  width: number;
  height: number;
  bitDepth: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA. */
  colorType: number;
  interlaced: boolean;
  /** Horizontal resolution from pHYs, if the file records a real one in pixels per metre. */
  dpi: number | undefined;
  palette: Buffer | undefined;
  /** The concatenated IDAT chunks: one zlib stream. */
  data: Buffer;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Reads the chunks of a PNG that a PDF image needs. Throws UnsupportedPng on anything malformed. */
export function readPng(png: Buffer): PngInfo {
  if (png.length < 8 || !png.subarray(0, 8).equals(SIGNATURE)) throw new UnsupportedPng('not a PNG');
  let offset = 8;
  let header: Omit<PngInfo, 'dpi' | 'palette' | 'data'> | undefined;
  let dpi: number | undefined;
  let palette: Buffer | undefined;
  let ended = false;
  const idat: Buffer[] = [];
  while (offset + 12 <= png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const start = offset + 8;
    const end = start + length;
    if (end + 4 > png.length) throw new UnsupportedPng(`truncated ${type} chunk`);
    const body = png.subarray(start, end);
    if (type === 'IHDR') {
      if (length !== 13) throw new UnsupportedPng('bad IHDR');
      header = {
        width: body.readUInt32BE(0),
        height: body.readUInt32BE(4),
        bitDepth: body[8]!,
        colorType: body[9]!,
        interlaced: body[12] === 1,
      };
    } else if (type === 'pHYs' && length === 9 && body[8] === 1) {
      // 1000 px/m (1 px/mm) is what libvips writes when no resolution was set: not a real one.
      const perMetre = body.readUInt32BE(0);
      if (perMetre !== 1000) dpi = Math.round(perMetre * 0.0254);
    } else if (type === 'PLTE') {
      palette = body;
    } else if (type === 'IDAT') {
      idat.push(body);
    } else if (type === 'IEND') {
      ended = true;
      break;
    }
    offset = end + 4; // skip the CRC
  }
  if (!header) throw new UnsupportedPng('no IHDR');
  if (!ended) throw new UnsupportedPng('truncated PNG');
  if (idat.length === 0) throw new UnsupportedPng('no image data');
  if (header.width === 0 || header.height === 0) throw new UnsupportedPng('empty image');
  return { ...header, dpi: dpi && dpi > 0 ? dpi : undefined, palette, data: Buffer.concat(idat) };
}

/** Why a PNG cannot go into a PDF as it is, or undefined when it can. */
export function pdfIncompatibility(info: PngInfo): string | undefined {
  if (info.interlaced) return 'interlaced PNG';
  if (info.colorType === 4 || info.colorType === 6) return 'PNG with an alpha channel';
  if (![0, 2, 3].includes(info.colorType)) return `PNG colour type ${info.colorType}`;
  if (info.colorType === 3 && !info.palette) return 'palette PNG without a palette';
  return undefined;
}

export interface PdfOptions {
  /** Resolution to assume for PNGs that do not record one (default 300). */
  defaultDpi?: number;
}

/**
 * One PDF page per PNG, each page exactly the image's size at its resolution (an A4 PNG at 300 dpi
 * gives an A4 page). Throws UnsupportedPng for PNGs it cannot embed as they are.
 */
export function pngsToPdf(pngs: readonly Buffer[], options: PdfOptions = {}): Buffer {
  const images = pngs.map((png, index) => {
    const info = readPng(png);
    const problem = pdfIncompatibility(info);
    if (problem) throw new UnsupportedPng(`page ${index + 1}: ${problem}`);
    return info;
  });
  const writer = new PdfWriter();
  // Objects: 1 catalog, 2 page tree, then per page: page, contents, image.
  const pageIds = images.map((_, i) => 3 + i * 3);
  writer.object(1, '<< /Type /Catalog /Pages 2 0 R >>');
  writer.object(
    2,
    `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${images.length} >>`,
  );
  images.forEach((image, i) => {
    const [pageId, contentsId, imageId] = [pageIds[i]!, pageIds[i]! + 1, pageIds[i]! + 2];
    const dpi = image.dpi ?? options.defaultDpi ?? 300;
    const width = pt((image.width * 72) / dpi);
    const height = pt((image.height * 72) / dpi);
    writer.object(
      pageId,
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${width} ${height}] ` +
        `/Resources << /XObject << /Im0 ${imageId} 0 R >> >> /Contents ${contentsId} 0 R >>`,
    );
    writer.stream(contentsId, '', Buffer.from(`q ${width} 0 0 ${height} 0 0 cm /Im0 Do Q\n`, 'latin1'));
    const colors = image.colorType === 2 ? 3 : 1;
    writer.stream(
      imageId,
      `/Type /XObject /Subtype /Image /Width ${image.width} /Height ${image.height} ` +
        `/ColorSpace ${colorSpace(image)} /BitsPerComponent ${image.bitDepth} /Filter /FlateDecode ` +
        `/DecodeParms << /Predictor 15 /Colors ${colors} /BitsPerComponent ${image.bitDepth} /Columns ${image.width} >> `,
      image.data,
    );
  });
  return writer.finish(1);
}

function colorSpace(image: PngInfo): string {
  if (image.colorType === 0) return '/DeviceGray';
  if (image.colorType === 2) return '/DeviceRGB';
  const palette = image.palette!;
  const entries = Math.floor(palette.length / 3);
  return `[/Indexed /DeviceRGB ${entries - 1} <${palette.subarray(0, entries * 3).toString('hex')}>]`;
}

/** Points with at most 3 decimals, no exponent. */
function pt(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

/** Appends numbered objects and writes the cross-reference table at the end. */
class PdfWriter {
  private readonly parts: Buffer[] = [];
  private length = 0;
  private readonly offsets = new Map<number, number>();

  constructor() {
    // A binary comment line tells transfer tools the file is binary.
    this.push(Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1'));
  }

  object(id: number, body: string): void {
    this.offsets.set(id, this.length);
    this.push(Buffer.from(`${id} 0 obj\n${body}\nendobj\n`, 'latin1'));
  }

  stream(id: number, dictionary: string, data: Buffer): void {
    this.offsets.set(id, this.length);
    this.push(Buffer.from(`${id} 0 obj\n<< ${dictionary}/Length ${data.length} >>\nstream\n`, 'latin1'));
    this.push(data);
    this.push(Buffer.from('\nendstream\nendobj\n', 'latin1'));
  }

  finish(rootId: number): Buffer {
    const size = Math.max(...this.offsets.keys()) + 1;
    const xrefOffset = this.length;
    const rows = ['xref', `0 ${size}`, '0000000000 65535 f '];
    for (let id = 1; id < size; id++) {
      const offset = this.offsets.get(id);
      rows.push(
        offset === undefined ? '0000000000 65535 f ' : `${String(offset).padStart(10, '0')} 00000 n `,
      );
    }
    const trailer = `trailer\n<< /Size ${size} /Root ${rootId} 0 R >>\nstartxref\n${xrefOffset}\n%%EOF\n`;
    this.push(Buffer.from(`${rows.join('\n')}\n${trailer}`, 'latin1'));
    return Buffer.concat(this.parts, this.length);
  }

  private push(part: Buffer): void {
    this.parts.push(part);
    this.length += part.length;
  }
}
