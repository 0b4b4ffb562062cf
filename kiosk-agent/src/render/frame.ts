/**
 * What every certificate page carries around its tables: issuer, 交付番号, title, the certification with
 * the mayor's seal (last page), the QR seal's label and notes, and the footer with x / y and the serial.
 */
import type { DocumentPayload } from 'hq-gateway/api/schemas';
import type { PageBuilder } from './compose';
import {
  CERTIFICATION,
  CONTENT,
  CONTENT_WIDTH,
  FOOTER,
  ISSUER,
  QR_BLOCK,
  SERIAL_BOX,
  TABLE,
  TITLE,
} from './layout';
import { sealSvg } from './seal';
import { middle } from './table';
import { fitSize } from './text';
import { cached, rasterizeMask } from './tiles';
import type { Mask } from './canvas';

/** The full-width space that separates words in Japanese typesetting. */
export const IDEOGRAPHIC_SPACE = '\u3000';

/** Grey of the mayor's seal: printed greyscale, a dark red reads as this. */
const SEAL_INK = 70;

export const NOTES = {
  kiosk: '※この証明書は、マイナンバーカードを利用してコンビニ交付により交付したものです。',
  antiCopy: '※地紋は偽造防止のため印刷しています。複写すると「複写」の文字が現れます。',
  substitute: '※ 一部の文字は代替文字で表示しています。',
} as const;

export const QR_TEXT = {
  label: '真正性確認用コード',
  note: 'このコードを本部の検証ページ（/verify）で読み取ると、この証明書の真正性を確認できます。',
} as const;

export interface FrameInput {
  doc: DocumentPayload;
  title: string;
  certification: string;
  /** 和暦 issue date, e.g. 令和8年11月22日. */
  issueDate: string;
  pageNumber: number;
  pageCount: number;
  /** Characters printed as substitutes on this page: adds the footnote. */
  substitutedOnPage: number;
}

export function drawFrame(page: PageBuilder, input: FrameInput): void {
  const { doc } = input;
  const issuer = `${doc.municipality.prefecture}${doc.municipality.name}`;
  page.formText({
    text: issuer,
    x: ISSUER.x,
    y: ISSUER.baseline,
    size: fitSize(issuer, ISSUER.size, ISSUER.maxWidth, TABLE.minSize),
  });

  const s = SERIAL_BOX;
  const labelBox = { x: s.x, y: s.y, width: s.labelWidth, height: s.height };
  page
    .shade(labelBox)
    .frame(s, TABLE.innerStroke * 1.5)
    .vline(s.x + s.labelWidth, s.y, s.height, TABLE.innerStroke);
  page.formText({
    text: '交付番号',
    x: s.x + s.labelWidth / 2,
    y: middle(labelBox, s.size),
    size: s.size,
    anchor: 'middle',
  });
  const serialBox = { x: s.x + s.labelWidth, y: s.y, width: s.width - s.labelWidth, height: s.height };
  page.documentText({ text: doc.serial, x: serialBox.x + 2, y: middle(serialBox, 3.2), size: 3.2 });

  const chars = [...input.title].length;
  const spacing = Math.max(
    0,
    Math.min(TITLE.maxLetterSpacing, (TITLE.maxWidth - chars * TITLE.size) / chars),
  );
  page.formText({
    text: input.title,
    // letter-spacing also follows the last character; shift by half of it to stay centred.
    x: TITLE.x + spacing / 2,
    y: TITLE.baseline,
    size: TITLE.size,
    bold: true,
    anchor: 'middle',
    letterSpacing: spacing,
  });

  if (input.pageNumber === input.pageCount) drawCertification(page, input);

  const q = QR_BLOCK;
  page.formText(
    { text: QR_TEXT.label, x: q.textX, y: q.label.baseline, size: q.label.size, bold: true },
    { text: QR_TEXT.note, x: q.textX, y: q.note.baseline, size: q.note.size },
  );
  const notes: string[] = [NOTES.kiosk, NOTES.antiCopy];
  if (input.substitutedOnPage > 0) notes.push(NOTES.substitute);
  page.formText(
    ...notes.map((text, i) => ({
      text,
      x: q.textX,
      y: q.notes.baseline + i * q.notes.lineGap,
      size: fitSize(text, q.notes.size, CONTENT.right - q.textX, 1.6),
    })),
  );

  const f = FOOTER;
  page.hline(CONTENT.left, f.ruleY, CONTENT_WIDTH, TABLE.innerStroke);
  page.formText({
    text: `コンビニ交付${IDEOGRAPHIC_SPACE}交付端末`,
    x: CONTENT.left,
    y: f.baseline,
    size: f.size,
  });
  page.documentText(
    { text: doc.terminalId, x: CONTENT.left + 30, y: f.baseline, size: f.size },
    {
      text: `${input.pageNumber} / ${input.pageCount}`,
      x: 105,
      y: f.baseline,
      size: f.pageSize,
      anchor: 'middle',
    },
    { text: doc.serial, x: CONTENT.right, y: f.baseline, size: f.size, anchor: 'end' },
  );
}

function drawCertification(page: PageBuilder, input: FrameInput): void {
  const c = CERTIFICATION;
  const { municipality } = input.doc;
  page.formText({
    text: input.certification,
    x: c.sentence.x,
    y: c.sentence.baseline,
    size: fitSize(input.certification, c.sentence.size, c.sentence.maxWidth, TABLE.minSize),
  });
  page.documentText({ text: input.issueDate, x: c.date.x, y: c.date.baseline, size: c.date.size });
  // The certifier is the municipality's head: 市長, 区長, 町長 or 村長.
  const mayor = `${municipality.name}長${IDEOGRAPHIC_SPACE}${municipality.mayor}`;
  page.formText({
    text: mayor,
    x: c.mayor.right,
    y: c.mayor.baseline,
    size: fitSize(mayor, c.mayor.size, c.mayor.maxWidth, TABLE.minSize),
    anchor: 'end',
  });
  page.mask(sealMask(municipality.name, page.pxPerMm), SEAL_INK);
}

const MAX_SEALS = 8;
const sealCache = new Map<string, Promise<Mask>>();

/** The mayor's seal (e.g. 葵市長之印), public, rasterized once per municipality and dpi. */
function sealMask(municipalityName: string, pxPerMm: number): Promise<Mask> {
  const { x, y, size } = CERTIFICATION.seal;
  return cached(sealCache, JSON.stringify([municipalityName, pxPerMm]), MAX_SEALS, async () => ({
    ...(await rasterizeMask(sealSvg(municipalityName, size * pxPerMm))),
    left: Math.round(x * pxPerMm),
    top: Math.round(y * pxPerMm),
  }));
}
