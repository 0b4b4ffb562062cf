import { MM_PER_INCH } from './layout';

/** Pattern geometry in mm and its colours: light enough that text over it stays crisp. */
const PATTERN = {
  period: 10, // horizontal wavelength of the waves
  spacing: 2.4, // vertical distance between wave lines
  amplitude: 0.85,
  lineWidth: 0.13,
  paper: [251, 253, 251],
  ink: [168, 208, 192], // first family at full coverage
  inkLight: [196, 222, 232], // second family
} as const;

/**
 * The security background (地紋) as raw RGB pixels: two families of interleaved sine waves forming
 * a fine chain lattice, like the tint pattern on municipal certificate paper.
 *
 * Generated as pixels, never as an SVG pattern: librsvg takes tens of seconds for a fine pattern
 * over an A4 page at 300 dpi. The pattern is periodic, so one tile is computed and copied across
 * the page; the result is cached by the caller and reused for every document.
 */
export function securityPattern(widthPx: number, heightPx: number, dpi: number): Buffer {
  const pxPerMm = dpi / MM_PER_INCH;
  // Whole-pixel periods so the tile repeats seamlessly.
  const tileW = Math.max(8, Math.round(PATTERN.period * pxPerMm));
  const tileH = Math.max(4, Math.round(PATTERN.spacing * pxPerMm));
  const amplitude = PATTERN.amplitude * pxPerMm;
  const halfLine = Math.max(0.5, (PATTERN.lineWidth * pxPerMm) / 2);

  const tile = Buffer.alloc(tileW * tileH * 3);
  for (let x = 0; x < tileW; x++) {
    const phase = (2 * Math.PI * (x + 0.5)) / tileW;
    const wave = amplitude * Math.sin(phase);
    // Vertical distance shrinks by cos(slope) to get the distance across the line.
    const slope = amplitude * Math.cos(phase) * ((2 * Math.PI) / tileW);
    const across = 1 / Math.sqrt(1 + slope * slope);
    for (let y = 0; y < tileH; y++) {
      const c1 = coverage(y + 0.5 - (tileH / 2 + wave), tileH, across, halfLine);
      const c2 = coverage(y + 0.5 - (tileH / 2 - wave), tileH, across, halfLine);
      const i = (y * tileW + x) * 3;
      for (let ch = 0; ch < 3; ch++) {
        const paper = PATTERN.paper[ch]!;
        const withFirst = paper - c1 * (paper - PATTERN.ink[ch]!);
        tile[i + ch] = Math.round(withFirst - c2 * (withFirst - PATTERN.inkLight[ch]!));
      }
    }
  }

  // One strip of tile rows across the page width, then copied down the page.
  const rowBytes = widthPx * 3;
  const strip = Buffer.alloc(rowBytes * tileH);
  for (let y = 0; y < tileH; y++) {
    const row = tile.subarray(y * tileW * 3, (y + 1) * tileW * 3);
    for (let x = 0; x < widthPx; x += tileW) {
      row.copy(strip, y * rowBytes + x * 3, 0, Math.min(tileW, widthPx - x) * 3);
    }
  }
  const page = Buffer.allocUnsafe(rowBytes * heightPx);
  for (let y = 0; y < heightPx; y += tileH) {
    strip.copy(page, y * rowBytes, 0, Math.min(tileH, heightPx - y) * rowBytes);
  }
  return page;
}

/** Anti-aliased coverage (0–1) of a wave line repeating every `period` rows at vertical offset `dy`. */
function coverage(dy: number, period: number, across: number, halfLine: number): number {
  const wrapped = Math.abs(dy - period * Math.round(dy / period));
  return Math.min(1, Math.max(0, halfLine + 0.5 - wrapped * across));
}
