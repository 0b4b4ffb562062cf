import { promisify } from 'node:util';
import { constants, crc32, deflate } from 'node:zlib';
import type { Canvas } from './canvas';

const deflateAsync = promisify(deflate);

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * zlib level 1: on a page that is mostly a periodic dot pattern it compresses almost as well as level 6
 * (the repeats are found at once) at a fraction of the time. Filter "None" on every row: the pattern
 * repeats row to row, which deflate already finds, and filtering would cost a pass over the page.
 */
const LEVEL = 1;

function chunk(type: string, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(12 + body.length);
  out.writeUInt32BE(body.length, 0);
  out.write(type, 4, 'latin1');
  body.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + body.length)), 8 + body.length);
  return out;
}

/**
 * Encodes a composed canvas as an 8-bit greyscale PNG with its resolution recorded (pHYs), so a printer
 * or ../printer/png-pdf sizes it as A4. The canvas rows already carry their filter bytes (see ./canvas),
 * so this is one zlib pass, run on libuv's thread pool.
 */
export async function encodeGreyPng(canvas: Canvas, dpi: number): Promise<Buffer> {
  if (canvas.stride !== canvas.width + 1 || canvas.data.length < canvas.stride * canvas.height)
    throw new RangeError('canvas is not laid out as PNG rows');
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(canvas.width, 0);
  ihdr.writeUInt32BE(canvas.height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  // compression, filter method and interlace stay 0
  const phys = Buffer.alloc(9);
  const perMetre = Math.round(dpi / 0.0254);
  phys.writeUInt32BE(perMetre, 0);
  phys.writeUInt32BE(perMetre, 4);
  phys[8] = 1; // unit: metre
  const idat = await deflateAsync(canvas.data.subarray(0, canvas.stride * canvas.height), {
    level: LEVEL,
    strategy: constants.Z_DEFAULT_STRATEGY,
    memLevel: 9,
  });
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('pHYs', phys),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
