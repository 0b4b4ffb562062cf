import type { DocumentContent } from 'hq-gateway/api/schemas';
import type { PageBuilder } from '../compose';
import { formatWareki } from '../era';
import { FONT_FAMILY } from '../fonts';
import type { Box } from '../layout';
import type { SubstitutionCounter } from '../substitute';
import { label, value, type Row } from '../table';
import { rasterizeMask, svgDocument } from '../tiles';
import { escapeXml } from '../xml';
import type { CertificateLayout } from './layout';

type SealRegistration = Extract<DocumentContent, { type: 'sealRegistration' }>;

/** Side of the drawn impression (mm); registrable seals are at most 25 mm. */
const IMPRESSION_MM = 24;
/** Printed greyscale: the vermilion of a seal reads as this dark grey. */
const IMPRESSION_INK = 45;

/** 印鑑登録証明書: the registered impression, then who registered it. */
export function sealRegistrationLayout(content: SealRegistration): CertificateLayout {
  const impression: Row = {
    height: IMPRESSION_MM + 8,
    cells: [
      label('印　影'),
      {
        kind: 'custom',
        width: 0,
        draw: (page, box, subs) => drawImpression(page, box, subs, content.impression),
      },
    ],
  };
  const rows: Row[] = [
    { height: 9, cells: [label('登録番号'), value(content.registrationNumber)] },
    {
      height: 15,
      cells: [label('氏　名'), { kind: 'name', name: content.name, kana: content.nameKana, width: 0 }],
    },
    { height: 9, cells: [label('生年月日'), value(formatWareki(content.birthDate))] },
    { height: 12, cells: [label('住　所'), value(content.address, 0, true)] },
  ];
  return {
    title: '印鑑登録証明書',
    certification: 'この写しは、登録されている印影と相違ないことを証明する。',
    header: [],
    blocks: [{ rows: [impression] }, { rows }],
  };
}

/** The impression, IMPRESSION_MM square, 10 mm in from the cell's left edge and centred vertically. */
function drawImpression(
  page: PageBuilder,
  box: Box,
  subs: SubstitutionCounter,
  impression: SealRegistration['impression'],
): void {
  const px = page.pxPerMm;
  const left = Math.round((box.x + 10) * px);
  const top = Math.round((box.y + (box.height - IMPRESSION_MM) / 2) * px);
  const svg = impressionSvg(subs.text(impression.text), impression.shape, IMPRESSION_MM * px);
  // The impression is the resident's: rendered for this page, never cached.
  page.mask(
    rasterizeMask(svg).then((mask) => ({ ...mask, left, top })),
    IMPRESSION_INK,
  );
}

/**
 * A seal impression: a round or square border with 1–4 characters, laid out as seals are carved —
 * one large character; two or three in a column; four in two columns read right to left.
 */
export function impressionSvg(text: string, shape: 'round' | 'square', sizePx: number): string {
  const chars = [...text].slice(0, 4);
  const border = sizePx * 0.06;
  const inner = sizePx - 2 * border;
  const outline =
    shape === 'round'
      ? `<circle cx="${sizePx / 2}" cy="${sizePx / 2}" r="${(sizePx - border) / 2}" fill="none" stroke="#000" stroke-width="${border}"/>`
      : `<rect x="${border / 2}" y="${border / 2}" width="${sizePx - border}" height="${sizePx - border}" rx="${sizePx * 0.04}" fill="none" stroke="#000" stroke-width="${border}"/>`;
  // A round border leaves less room at the corners.
  const area = shape === 'round' ? inner * 0.74 : inner * 0.86;
  const origin = (sizePx - area) / 2;
  const columns = chars.length === 4 ? [chars.slice(0, 2), chars.slice(2)] : [chars];
  const colWidth = area / columns.length;
  const parts = [outline];
  columns.forEach((column, col) => {
    const cx = origin + area - colWidth * (col + 0.5);
    const cellHeight = area / column.length;
    const fontSize = Math.min(colWidth, cellHeight) * 0.95;
    // Seal lettering fills its cell: stretched upright when a column holds fewer characters.
    const scaleY = Math.min(1.6, (cellHeight * 0.95) / fontSize);
    column.forEach((ch, row) => {
      const cy = origin + cellHeight * (row + 0.5);
      parts.push(
        `<text transform="translate(${cx} ${cy}) scale(1 ${scaleY})" y="${fontSize * 0.36}" text-anchor="middle" ` +
          `font-family="${FONT_FAMILY}" font-weight="bold" font-size="${fontSize}" fill="#000">${escapeXml(ch)}</text>`,
      );
    });
  });
  const size = Math.ceil(sizePx);
  return svgDocument(size, size, parts.join(''));
}
