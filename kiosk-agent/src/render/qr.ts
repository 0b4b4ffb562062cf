/**
 * The QR seal: HQ's signed seal text as a QR code (error correction M), drawn module by module straight
 * into the page buffer. Module edges fall on whole pixels, so the print is exactly square modules with
 * no anti-aliasing for a scanner to guess about.
 */
import QRCode from 'qrcode';
import { fillRect, INK, PAPER, type Canvas } from './canvas';
import { QR_BLOCK } from './layout';

export interface QrMatrix {
  /** Modules per side. */
  size: number;
  /** 1 = dark, row-major. */
  dark: Uint8Array;
}

export function qrMatrix(text: string): QrMatrix {
  const code = QRCode.create(text, { errorCorrectionLevel: 'M' });
  return { size: code.modules.size, dark: code.modules.data };
}

export interface QrPlacement {
  /** Top-left of the first module (inside the quiet zone), page pixels. */
  left: number;
  top: number;
  modulePx: number;
  size: number;
  /** Side of the whole drawn square including the quiet zone, pixels. */
  outerPx: number;
}

/**
 * Module size in whole pixels: aims at a symbol of QR_BLOCK.targetSymbol mm, kept within 0.33–0.5 mm a
 * module and within QR_BLOCK.maxSize with the quiet zone.
 */
export function modulePixels(size: number, pxPerMm: number): number {
  const b = QR_BLOCK;
  const withQuiet = size + 2 * b.quietModules;
  let mm = Math.min(b.maxModule, b.targetSymbol / size, b.maxSize / withQuiet);
  mm = Math.max(mm, b.minModule);
  return Math.max(1, Math.floor(mm * pxPerMm));
}

/** Draws the seal's QR code with its white quiet zone at QR_BLOCK's corner; returns where it went. */
export function drawQr(canvas: Canvas, matrix: QrMatrix, pxPerMm: number): QrPlacement {
  const modulePx = modulePixels(matrix.size, pxPerMm);
  const quietPx = QR_BLOCK.quietModules * modulePx;
  const outerPx = matrix.size * modulePx + 2 * quietPx;
  const x = Math.round(QR_BLOCK.x * pxPerMm);
  const y = Math.round(QR_BLOCK.y * pxPerMm);
  // Paper white under the code: the anti-copy dots would read as noise to a scanner.
  fillRect(canvas, x, y, outerPx, outerPx, PAPER);
  const left = x + quietPx;
  const top = y + quietPx;
  for (let row = 0; row < matrix.size; row++) {
    for (let col = 0; col < matrix.size;) {
      if (!matrix.dark[row * matrix.size + col]) {
        col++;
        continue;
      }
      // A run of dark modules in one row is one rectangle.
      let end = col + 1;
      while (end < matrix.size && matrix.dark[row * matrix.size + end]) end++;
      fillRect(canvas, left + col * modulePx, top + row * modulePx, (end - col) * modulePx, modulePx, INK);
      col = end;
    }
  }
  return { left, top, modulePx, size: matrix.size, outerPx };
}
