/**
 * A greyscale page being composed, laid out the way a PNG stores it: every row starts with its filter
 * byte (0, "None") followed by one byte a pixel. So the finished page *is* the PNG's uncompressed image
 * data and goes to zlib without a copy (see ./png). Greyscale, not RGB: a third of the bytes to copy,
 * draw and compress, which is what makes a 600 dpi page fit in the time budget.
 */

export interface Canvas {
  data: Buffer;
  width: number;
  height: number;
  /** Bytes per row: width + 1 (the filter byte). */
  stride: number;
}

/** An 8-bit coverage mask (0 = nothing, 255 = full ink) placed at `left`, `top` in page pixels. */
export interface Mask {
  data: Buffer | Uint8Array;
  width: number;
  height: number;
  left: number;
  top: number;
}

export const PAPER = 255;
export const INK = 0;

export function strideOf(width: number): number {
  return width + 1;
}

/** Byte offset of pixel (x, y). */
export function offsetOf(canvas: Canvas, x: number, y: number): number {
  return y * canvas.stride + 1 + x;
}

interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

function clip(canvas: Canvas, x: number, y: number, width: number, height: number): Rect {
  return {
    x0: Math.max(0, Math.round(x)),
    y0: Math.max(0, Math.round(y)),
    x1: Math.min(canvas.width, Math.round(x + width)),
    y1: Math.min(canvas.height, Math.round(y + height)),
  };
}

/** Paints a rectangle (pixels) with one grey value. */
export function fillRect(
  canvas: Canvas,
  x: number,
  y: number,
  width: number,
  height: number,
  value: number,
): void {
  const r = clip(canvas, x, y, width, height);
  if (r.x1 <= r.x0) return;
  for (let row = r.y0; row < r.y1; row++) {
    const start = offsetOf(canvas, r.x0, row);
    canvas.data.fill(value, start, start + (r.x1 - r.x0));
  }
}

/**
 * Tints a rectangle like a shaded label cell: every pixel moves `amount` (0–1) of the way to `tone`,
 * so the anti-copy pattern stays under it (a copier still sees the latent word there).
 */
export function tintRect(
  canvas: Canvas,
  x: number,
  y: number,
  width: number,
  height: number,
  tone: number,
  amount: number,
): void {
  const r = clip(canvas, x, y, width, height);
  const keep = Math.round((1 - amount) * 256);
  const add = Math.round(tone * amount * 256);
  const d = canvas.data;
  for (let row = r.y0; row < r.y1; row++) {
    const end = offsetOf(canvas, r.x1, row);
    for (let i = offsetOf(canvas, r.x0, row); i < end; i++) d[i] = (d[i]! * keep + add) >> 8;
  }
}

/** Draws `mask` in ink of grey value `ink`, blending by coverage; clipped to the page. */
export function drawMask(canvas: Canvas, mask: Mask, ink: number = INK): void {
  const d = canvas.data;
  const m = mask.data;
  const x0 = Math.max(0, mask.left);
  const y0 = Math.max(0, mask.top);
  const x1 = Math.min(canvas.width, mask.left + mask.width);
  const y1 = Math.min(canvas.height, mask.top + mask.height);
  for (let y = y0; y < y1; y++) {
    let s = (y - mask.top) * mask.width + (x0 - mask.left);
    let i = offsetOf(canvas, x0, y);
    for (let x = x0; x < x1; x++, s++, i++) {
      const a = m[s]!;
      // Most of a text mask is empty.
      if (a === 0) continue;
      const under = d[i]!;
      // Ink never lightens: a darker pattern dot under a light grey stroke stays.
      if (under > ink) d[i] = under - ((((under - ink) * a + 127) / 255) | 0);
    }
  }
}

/**
 * Reuses page-sized buffers: a fresh 35 MB buffer costs tens of ms in page faults, a reused one a
 * memcpy. Keeps at most `keep` idle buffers a size.
 */
export class BufferPool {
  private readonly idle = new Map<number, Buffer[]>();

  constructor(private readonly keep = 1) {}

  acquire(bytes: number): Buffer {
    return this.idle.get(bytes)?.pop() ?? Buffer.allocUnsafe(bytes);
  }

  /** Zeroes `buffer` first: no resident's page lingers in memory between transactions. */
  release(buffer: Buffer): void {
    buffer.fill(0);
    const list = this.idle.get(buffer.length) ?? [];
    if (list.length < this.keep) list.push(buffer);
    this.idle.set(buffer.length, list);
  }
}
