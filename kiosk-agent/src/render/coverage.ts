/**
 * Which characters the document font has, read from its `cmap` table. Rendering a character to see if
 * it comes out as a box (./glyph-check) is the end-to-end proof; the cmap answers per character in
 * nanoseconds, which is what the renderer needs for every name and address it prints.
 */
import { readFileSync } from 'node:fs';
import { FONT_FILES } from './fonts';

export class FontCoverage {
  constructor(private readonly ranges: readonly (readonly [number, number])[]) {}

  /** Whether the font maps `codePoint` to a glyph. */
  has(codePoint: number): boolean {
    let lo = 0;
    let hi = this.ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [start, end] = this.ranges[mid]!;
      if (codePoint < start) hi = mid - 1;
      else if (codePoint > end) lo = mid + 1;
      else return true;
    }
    return false;
  }
}

/** Parses the cmap of a TrueType/OpenType font: format 12 (full Unicode) if present, else format 4 (BMP). */
export function parseCoverage(font: Buffer): FontCoverage {
  const numTables = font.readUInt16BE(4);
  let cmap = -1;
  for (let i = 0; i < numTables; i++) {
    const record = 12 + i * 16;
    if (font.toString('latin1', record, record + 4) === 'cmap') cmap = font.readUInt32BE(record + 8);
  }
  if (cmap < 0) throw new Error('font has no cmap table');
  const subtables: { platform: number; encoding: number; offset: number }[] = [];
  const count = font.readUInt16BE(cmap + 2);
  for (let i = 0; i < count; i++) {
    const at = cmap + 4 + i * 8;
    subtables.push({
      platform: font.readUInt16BE(at),
      encoding: font.readUInt16BE(at + 2),
      offset: cmap + font.readUInt32BE(at + 4),
    });
  }
  const format = (s: { offset: number }): number => font.readUInt16BE(s.offset);
  const full = subtables.find((s) => format(s) === 12 && (s.platform === 0 || s.platform === 3));
  if (full) return new FontCoverage(format12(font, full.offset));
  const bmp = subtables.find((s) => format(s) === 4 && (s.platform === 0 || s.platform === 3));
  if (bmp) return new FontCoverage(format4(font, bmp.offset));
  throw new Error('font has no Unicode cmap');
}

function format12(font: Buffer, offset: number): [number, number][] {
  const groups = font.readUInt32BE(offset + 12);
  const ranges: [number, number][] = [];
  for (let i = 0; i < groups; i++) {
    const at = offset + 16 + i * 12;
    // A group mapping to glyph 0 (.notdef) is no coverage; fonts do not do that in practice.
    ranges.push([font.readUInt32BE(at), font.readUInt32BE(at + 4)]);
  }
  return merge(ranges);
}

function format4(font: Buffer, offset: number): [number, number][] {
  const segments = font.readUInt16BE(offset + 6) / 2;
  const ends = offset + 14;
  const starts = ends + segments * 2 + 2;
  const deltas = starts + segments * 2;
  const rangeOffsets = deltas + segments * 2;
  const ranges: [number, number][] = [];
  for (let i = 0; i < segments; i++) {
    const end = font.readUInt16BE(ends + i * 2);
    const start = font.readUInt16BE(starts + i * 2);
    if (start === 0xffff) continue;
    const rangeOffset = font.readUInt16BE(rangeOffsets + i * 2);
    if (rangeOffset === 0) {
      ranges.push([start, end]);
      continue;
    }
    // Glyph ids come from the glyph array: 0 there means "no glyph".
    const delta = font.readUInt16BE(deltas + i * 2);
    for (let cp = start; cp <= end; cp++) {
      const at = rangeOffsets + i * 2 + rangeOffset + (cp - start) * 2;
      const glyph = font.readUInt16BE(at);
      if (glyph !== 0 && ((glyph + delta) & 0xffff) !== 0) ranges.push([cp, cp]);
    }
  }
  return merge(ranges);
}

function merge(ranges: [number, number][]): [number, number][] {
  ranges.sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const r of ranges) {
    const last = out.at(-1);
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

let documentFont: FontCoverage | undefined;

/** Coverage of the document font (BIZ UD明朝 regular; the bold weight has the same character set). */
export function documentFontCoverage(): FontCoverage {
  documentFont ??= parseCoverage(readFileSync(FONT_FILES.regular));
  return documentFont;
}
