import { describe, expect, it } from 'vitest';
import { pngsToPdf, readPng } from '../printer/png-pdf';
import { strideOf, type Canvas } from './canvas';
import { encodeGreyPng } from './png';
import { decodeGrey } from './test-helpers';

describe('encodeGreyPng', () => {
  it('round-trips the pixels and records the resolution', async () => {
    const width = 37;
    const height = 23;
    const canvas: Canvas = {
      data: Buffer.alloc(strideOf(width) * height),
      width,
      height,
      stride: strideOf(width),
    };
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) canvas.data[y * canvas.stride + 1 + x] = (x * 7 + y * 13) & 0xff;
    const png = await encodeGreyPng(canvas, 600);
    const decoded = await decodeGrey(png);
    expect([decoded.width, decoded.height]).toEqual([width, height]);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) expect(decoded.data[y * width + x]).toBe((x * 7 + y * 13) & 0xff);
    expect(readPng(png)).toMatchObject({ colorType: 0, bitDepth: 8, dpi: 600, interlaced: false });
    expect(pngsToPdf([png]).toString('latin1')).toContain('/ColorSpace /DeviceGray');
  });

  it('refuses a canvas without filter bytes', async () => {
    const canvas: Canvas = { data: Buffer.alloc(100), width: 10, height: 10, stride: 10 };
    await expect(encodeGreyPng(canvas, 300)).rejects.toThrow(RangeError);
  });
});
