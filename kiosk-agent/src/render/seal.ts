import { FONT_FAMILY } from './fonts';
import { svgDocument } from './tiles';
import { escapeXml } from './xml';

const SEAL_RED = '#c8242b';

/**
 * The mayor's official seal (公印), e.g. 横浜市長之印: a square red seal with the characters in
 * columns read right to left, top to bottom, as on paper certificates. `sizePx` is its side.
 */
export function sealSvg(municipalityName: string, sizePx: number): string {
  const chars = [...`${municipalityName}長之印`];
  // Roughly square: as many rows as needed, columns filled right to left, longest first.
  const rows = Math.ceil(Math.sqrt(chars.length));
  const cols = Math.ceil(chars.length / rows);
  const perColumn = Array.from(
    { length: cols },
    (_, i) => Math.floor(chars.length / cols) + (i < chars.length % cols ? 1 : 0),
  );

  const outer = sizePx * 0.06;
  const inner = sizePx * 0.15;
  const area = sizePx - 2 * inner;
  const colWidth = area / cols;
  const parts = [
    `<rect x="${outer / 2}" y="${outer / 2}" width="${sizePx - outer}" height="${sizePx - outer}" rx="${sizePx * 0.03}" fill="none" stroke="${SEAL_RED}" stroke-width="${outer}"/>`,
    `<rect x="${sizePx * 0.1}" y="${sizePx * 0.1}" width="${sizePx * 0.8}" height="${sizePx * 0.8}" fill="none" stroke="${SEAL_RED}" stroke-width="${outer / 3}"/>`,
  ];
  let next = 0;
  perColumn.forEach((count, col) => {
    const cx = sizePx - inner - colWidth * (col + 0.5);
    const cellHeight = area / count;
    // Seal lettering fills its cell: glyphs are stretched upright when a column holds fewer characters.
    const fontSize = Math.min(colWidth, cellHeight) * 0.9;
    const scaleY = Math.min(1.4, (cellHeight * 0.92) / fontSize);
    for (let row = 0; row < count; row++) {
      const ch = chars[next++] ?? '';
      const cy = inner + cellHeight * (row + 0.5);
      parts.push(
        `<text transform="translate(${cx} ${cy}) scale(1 ${scaleY})" y="${fontSize * 0.38}" text-anchor="middle" ` +
          `font-family="${FONT_FAMILY}" font-weight="bold" font-size="${fontSize}" fill="${SEAL_RED}">${escapeXml(ch)}</text>`,
      );
    }
  });
  const size = Math.ceil(sizePx);
  return svgDocument(size, size, `<g opacity="0.88">${parts.join('')}</g>`);
}
