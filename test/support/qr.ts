import jsQR from 'jsqr';
import sharp from 'sharp';

/** Where the renderer puts the QR seal (kiosk-agent/src/render/layout.ts QR_BLOCK), with a margin, in mm. */
const QR_AREA_MM = { left: 8, top: 241, size: 45 };

/**
 * Reads the QR seal back from a printed page image, as a phone would from paper: crops the seal's corner
 * of the page, and decodes it with jsQR. Returns the text, or null when nothing decodes.
 */
export async function readSealFromPage(png: Buffer): Promise<string | null> {
  const image = sharp(png);
  const { density } = await image.metadata();
  const pxPerMm = (density ?? 600) / 25.4;
  const side = Math.round(QR_AREA_MM.size * pxPerMm);
  const { data, info } = await image
    .extract({
      left: Math.round(QR_AREA_MM.left * pxPerMm),
      top: Math.round(QR_AREA_MM.top * pxPerMm),
      width: side,
      height: side,
    })
    .resize(Math.round(side / 2)) // a phone's view is coarser than the print; jsQR is faster on it too
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const code = jsQR(
    new Uint8ClampedArray(data.buffer, data.byteOffset, data.length),
    info.width,
    info.height,
  );
  return code?.data ?? null;
}
