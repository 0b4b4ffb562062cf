/**
 * The fixed parts of the 住民票の写し form (様式) as SVG: frames, field labels, title and the
 * certification wording. They are the same for every resident, so ./assets rasterizes them once
 * per dpi and only the filled-in values are rendered per document.
 */
import { CERTIFICATION, CONTENT, FOOTER, HEADER, PERSON_BLOCK, SERIAL_BOX, TITLE, type Box } from './layout';
import { svgDocument } from './raster';
import { svgText, type TextSpec } from './text';

const LINE = '#1a1a1a';
const LABEL_FILL = '#dde9e2';
const OUTER_STROKE = 0.35;
const INNER_STROKE = 0.15;
/** Room around each drawing so strokes on its edges are not clipped. */
const MARGIN = 1;

/** An SVG drawing whose top-left pixel sits at `left`, `top` (page pixels, or block pixels for blocks). */
export interface FormDrawing {
  svg: string;
  left: number;
  top: number;
}

/** Collects SVG elements placed in mm and draws them on a tile covering `area` (mm). */
class Sheet {
  private readonly parts: string[] = [];
  private readonly left: number;
  private readonly top: number;
  private readonly width: number;
  private readonly height: number;

  constructor(
    private readonly pxPerMm: number,
    area: Box,
  ) {
    // Whole-pixel origin, so the tile lands exactly where its contents were computed for.
    this.left = Math.floor((area.x - MARGIN) * pxPerMm);
    this.top = Math.floor((area.y - MARGIN) * pxPerMm);
    this.width = Math.ceil((area.x + area.width + MARGIN) * pxPerMm) - this.left;
    this.height = Math.ceil((area.y + area.height + MARGIN) * pxPerMm) - this.top;
  }

  private x(mm: number): string {
    return px(mm * this.pxPerMm - this.left);
  }

  private y(mm: number): string {
    return px(mm * this.pxPerMm - this.top);
  }

  private len(mm: number): string {
    return px(mm * this.pxPerMm);
  }

  rect(box: Box, style: { fill?: string; stroke?: number }): this {
    const fill = style.fill === undefined ? 'fill="none"' : `fill="${style.fill}" fill-opacity="0.7"`;
    const stroke =
      style.stroke === undefined ? '' : ` stroke="${LINE}" stroke-width="${this.len(style.stroke)}"`;
    this.parts.push(
      `<rect x="${this.x(box.x)}" y="${this.y(box.y)}" width="${this.len(box.width)}" height="${this.len(box.height)}" ${fill}${stroke}/>`,
    );
    return this;
  }

  line(x1: number, y1: number, x2: number, y2: number, width: number): this {
    this.parts.push(
      `<line x1="${this.x(x1)}" y1="${this.y(y1)}" x2="${this.x(x2)}" y2="${this.y(y2)}" stroke="${LINE}" stroke-width="${this.len(width)}"/>`,
    );
    return this;
  }

  text(spec: TextSpec): this {
    this.parts.push(svgText(spec, this.pxPerMm, { x: this.left, y: this.top }));
    return this;
  }

  /** A shaded label cell with its label centred. */
  labelCell(box: Box, label: string, size: number): this {
    this.rect(box, { fill: LABEL_FILL });
    const baseline = box.y + box.height / 2 + size * 0.36;
    return this.text({ text: label, x: box.x + box.width / 2, y: baseline, size, anchor: 'middle' });
  }

  toDrawing(): FormDrawing {
    return { svg: svgDocument(this.width, this.height, this.parts.join('')), left: this.left, top: this.top };
  }
}

function px(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** Title, 交付番号 box, 住所/世帯主 table and footer rule: drawn once onto the background. */
export function baseFormDrawings(pxPerMm: number): FormDrawing[] {
  const titleWidth = 6 * (TITLE.size + TITLE.letterSpacing);
  const title = new Sheet(pxPerMm, {
    x: TITLE.x - titleWidth / 2 - 2,
    y: TITLE.baseline - TITLE.size - 1,
    width: titleWidth + 4,
    height: TITLE.size * 1.4,
  });
  // letter-spacing also follows the last character; shift by half of it to stay centred.
  title.text({
    text: '住民票の写し',
    x: TITLE.x + TITLE.letterSpacing / 2,
    y: TITLE.baseline,
    size: TITLE.size,
    bold: true,
    anchor: 'middle',
    letterSpacing: TITLE.letterSpacing,
  });

  const s = SERIAL_BOX;
  const serial = new Sheet(pxPerMm, s);
  serial.labelCell({ x: s.x, y: s.y, width: s.labelWidth, height: s.height }, '交付番号', s.size);
  serial.line(s.x + s.labelWidth, s.y, s.x + s.labelWidth, s.y + s.height, INNER_STROKE);
  serial.rect(s, { stroke: INNER_STROKE * 1.5 });

  const h = HEADER;
  const headerBox = { x: h.x, y: h.y, width: h.width, height: h.addressHeight + h.householderHeight };
  const header = new Sheet(pxPerMm, headerBox);
  const labelSize = PERSON_BLOCK.labelSize + 0.4;
  header.labelCell({ x: h.x, y: h.y, width: h.labelWidth, height: h.addressHeight }, '住　所', labelSize);
  header.labelCell(
    { x: h.x, y: h.y + h.addressHeight, width: h.labelWidth, height: h.householderHeight },
    '世帯主',
    labelSize,
  );
  header.line(h.x, h.y + h.addressHeight, h.x + h.width, h.y + h.addressHeight, INNER_STROKE);
  header.line(h.x + h.labelWidth, h.y, h.x + h.labelWidth, h.y + headerBox.height, INNER_STROKE);
  header.rect(headerBox, { stroke: OUTER_STROKE });

  const rule = new Sheet(pxPerMm, {
    x: CONTENT.left,
    y: FOOTER.ruleY,
    width: CONTENT.right - CONTENT.left,
    height: 0,
  });
  rule.line(CONTENT.left, FOOTER.ruleY, CONTENT.right, FOOTER.ruleY, INNER_STROKE);

  return [title, serial, header, rule].map((sheet) => sheet.toDrawing());
}

/** Frame and labels of one person's block, positioned relative to the block's top-left corner. */
export function personGridDrawing(pxPerMm: number): FormDrawing {
  const sheet = new Sheet(pxPerMm, { x: 0, y: 0, width: PERSON_BLOCK.width, height: PERSON_BLOCK.height });
  const c = PERSON_BLOCK.cells;
  const size = PERSON_BLOCK.labelSize;
  sheet.labelCell(c.nameLabel, '氏　名', size + 0.4);
  sheet.labelCell(c.sexLabel, '性　別', size);
  sheet.labelCell(c.birthLabel, '生年月日', size);
  sheet.labelCell(c.relationshipLabel, '続　柄', size);
  sheet.labelCell(c.residentLabel, '住民となった年月日', size);
  sheet.labelCell(c.remarksLabel, '備　考', size);
  for (const cell of Object.values(c)) sheet.rect(cell, { stroke: INNER_STROKE });
  sheet.rect(
    { x: 0, y: 0, width: PERSON_BLOCK.width, height: PERSON_BLOCK.height },
    { stroke: OUTER_STROKE },
  );
  return sheet.toDrawing();
}

/** The certification wording and notes, printed on the last page only. */
export function certificationDrawing(pxPerMm: number): FormDrawing {
  const sheet = new Sheet(pxPerMm, CERTIFICATION.box);
  const s = CERTIFICATION.sentence;
  sheet.text({
    text: 'この写しは、住民票の原本と相違ないことを証明する。',
    x: s.x,
    y: s.baseline,
    size: s.size,
  });
  const n = CERTIFICATION.notes;
  const notes = [
    '※この証明書は、マイナンバーカードを利用してコンビニエンスストア等のキオスク端末で交付したものです。',
    '※地紋は偽造防止のために印刷しています。複写したもの及び改ざんしたものは、証明書として使用できません。',
  ];
  notes.forEach((text, i) => sheet.text({ text, x: n.x, y: n.baseline + i * n.lineGap, size: n.size }));
  return sheet.toDrawing();
}
