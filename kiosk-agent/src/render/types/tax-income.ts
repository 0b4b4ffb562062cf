import type { DocumentContent } from 'hq-gateway/api/schemas';
import { formatWareki, toWareki } from '../era';
import { label, value, type Cell, type Row } from '../table';
import type { CertificateLayout } from './layout';

type TaxIncome = Extract<DocumentContent, { type: 'taxIncome' }>;

/** 所得・課税証明書: who and which 年度, then the income and tax figures in yen. */
export function taxIncomeLayout(
  content: TaxIncome,
  municipality?: string,
  prefecture?: string,
): CertificateLayout {
  const person: Row[] = [
    { height: 9, cells: [label('年　度'), value(fiscalYearText(content.fiscalYear))] },
    { height: 12, cells: [label('住　所'), value(content.address, 0, true)] },
    { height: 11, cells: [label('氏　名'), { kind: 'value', text: content.name, width: 0, size: 4.6 }] },
    { height: 9, cells: [label('生年月日'), value(formatWareki(content.birthDate))] },
  ];
  const c = content;
  const figures: [string, number][] = [
    ['収入金額', c.incomeYen],
    ['合計所得金額', c.totalIncomeYen],
    ['所得控除額合計', c.deductionsYen],
    ['課税標準額', c.taxableIncomeYen],
    [`${localTaxName(municipality, '市町村')}民税額`, c.municipalTaxYen],
    [`${localTaxName(prefecture, '道府県')}民税額`, c.prefecturalTaxYen],
    ['税額合計', c.municipalTaxYen + c.prefecturalTaxYen],
  ];
  const amounts: Row[] = [];
  for (let i = 0; i < figures.length; i += 2) {
    const cells: Cell[] = [];
    for (const [name, yen] of figures.slice(i, i + 2)) {
      cells.push(label(name, 45), { kind: 'value', text: yenText(yen), width: 45, align: 'end' });
    }
    if (cells.length === 2) cells.push(label('', 45), value(''));
    amounts.push({ height: 10, cells });
  }
  return {
    title: '所得・課税証明書',
    certification: '上記のとおり証明する。',
    header: [],
    blocks: [{ rows: person }, { rows: amounts }],
  };
}

/** 2026 → 令和8年度（令和7年中の所得）: the tax year and the calendar year of the income it taxes. */
export function fiscalYearText(fiscalYear: number): string {
  const year = (y: number): string => {
    const w = toWareki(`${String(y).padStart(4, '0')}-04-01`);
    return `${w.era}${w.year === 1 ? '元' : w.year}年`;
  };
  // The income year ends on 31 Dec; an era that began that year is named by its December date.
  const income = toWareki(`${String(fiscalYear - 1).padStart(4, '0')}-12-31`);
  const incomeYear = `${income.era}${income.year === 1 ? '元' : income.year}年`;
  return `${year(fiscalYear)}度（${incomeYear}中の所得）`;
}

/** ¥1234567 → 1,234,567円. */
export function yenText(yen: number): string {
  return `${yen.toLocaleString('ja-JP')}円`;
}

/**
 * The local taxes are named after the issuer: 市民税 in a city, 都民税 in Tokyo. Unknown → the generic
 * 市町村/道府県.
 */
function localTaxName(name: string | undefined, generic: string): string {
  const suffix = name?.at(-1);
  return suffix !== undefined && '市区町村都道府県'.includes(suffix) ? suffix : generic;
}
