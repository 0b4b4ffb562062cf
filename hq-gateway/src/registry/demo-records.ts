import type { Queryable } from '../db/database';
import { fiscalYearOf } from '../issuance/jst';
import { insertClosure, insertServiceConfig } from './config-store';
import { insertKoseki, insertSealRegistration, insertTaxRecord } from './records';
import type { Closure, Koseki, SealRegistration, ServiceConfig, TaxRecord } from './types';

/**
 * The demo municipality's kiosk configuration and the records behind its certificates (葵市, fictional:
 * every person, address and figure is invented).
 */

const AOI = '139998';

/** Fees per copy and hours (JST): 6:30–23:00 every day; 戸籍 and 附票 only on weekdays 9:00–17:00. */
export const DEMO_SERVICES: readonly ServiceConfig[] = [
  { type: 'juminhyo', feeYen: 300, opens: '06:30', closes: '23:00', weekdaysOnly: false },
  { type: 'sealRegistration', feeYen: 300, opens: '06:30', closes: '23:00', weekdaysOnly: false },
  { type: 'taxIncome', feeYen: 300, opens: '06:30', closes: '23:00', weekdaysOnly: false },
  { type: 'koseki', feeYen: 450, opens: '09:00', closes: '17:00', weekdaysOnly: true },
  { type: 'kosekiFuhyo', feeYen: 300, opens: '09:00', closes: '17:00', weekdaysOnly: true },
];

/** 年末年始: closed 29 December to 3 January for every service. */
export const DEMO_CLOSURES: readonly Closure[] = [{ from: '12-29', to: '01-03', type: null }];

export const DEMO_SEALS: readonly SealRegistration[] = [
  {
    residentId: 'res-yamada-taro',
    registrationNumber: '0012345',
    impression: { text: '山田', shape: 'round' },
    registeredOn: '2015-04-10',
  },
  {
    residentId: 'res-yoshida-kazuo',
    registrationNumber: '0004567',
    impression: { text: '\u{20BB7}田', shape: 'square' },
    registeredOn: '1996-02-01',
  },
];

type TaxFigures = Omit<TaxRecord, 'fiscalYear'>;

/** Figures per taxpayer (給与収入 → 給与所得 → 課税所得 → 市民税 6 %, 都民税 4 %); the same every year. */
const DEMO_TAXPAYERS: readonly TaxFigures[] = [
  {
    residentId: 'res-yamada-taro',
    incomeYen: 5_800_000,
    totalIncomeYen: 4_200_000,
    deductionsYen: 1_330_000,
    taxableIncomeYen: 2_870_000,
    municipalTaxYen: 172_200,
    prefecturalTaxYen: 114_800,
  },
  {
    residentId: 'res-sato-kenichi',
    incomeYen: 7_200_000,
    totalIncomeYen: 5_250_000,
    deductionsYen: 1_500_000,
    taxableIncomeYen: 3_750_000,
    municipalTaxYen: 225_000,
    prefecturalTaxYen: 150_000,
  },
  {
    residentId: 'res-nguyen-van-an',
    incomeYen: 4_200_000,
    totalIncomeYen: 2_860_000,
    deductionsYen: 860_000,
    taxableIncomeYen: 2_000_000,
    municipalTaxYen: 120_000,
    prefecturalTaxYen: 80_000,
  },
  {
    residentId: 'res-yoshida-kazuo',
    incomeYen: 3_600_000,
    totalIncomeYen: 2_440_000,
    deductionsYen: 980_000,
    taxableIncomeYen: 1_460_000,
    municipalTaxYen: 87_600,
    prefecturalTaxYen: 58_400,
  },
];

/** The tax records on file at `now`: the current fiscal year and the one before. */
export function demoTaxRecords(now: Date): TaxRecord[] {
  const year = fiscalYearOf(now);
  return DEMO_TAXPAYERS.flatMap((t) => [
    { ...t, fiscalYear: year },
    { ...t, fiscalYear: year - 1 },
  ]);
}

const TARO = '山田\u3000太郎';
const HANAKO = '山田\u3000花子';
const MIDORI = '東京都葵市緑町一丁目2番3号';

export const DEMO_KOSEKI: readonly Koseki[] = [
  {
    id: 'ks-yamada',
    municipalityCode: AOI,
    honseki: '東京都葵市緑町一丁目2番地',
    head: TARO,
    persons: [
      {
        residentId: 'res-yamada-taro',
        name: TARO,
        birthDate: '1984-04-15',
        sex: 'male',
        father: '山田\u3000一郎',
        mother: '山田\u3000幸子',
        relationship: '長男',
        events: [
          { kind: '出生', date: '1984-04-15', detail: '出生地 東京都葵市 届出人 父' },
          {
            kind: '婚姻',
            date: '2014-06-01',
            detail: '配偶者氏名 田中花子 従前戸籍 東京都葵市緑町一丁目2番地 山田一郎',
          },
        ],
        addresses: [
          { address: '神奈川県港北市日吉一丁目1番1号', from: '2008-04-01' },
          { address: MIDORI, from: '2015-04-01' },
        ],
      },
      {
        residentId: 'res-yamada-hanako',
        name: HANAKO,
        birthDate: '1986-09-03',
        sex: 'female',
        father: '田中\u3000修',
        mother: '田中\u3000和子',
        relationship: '二女',
        events: [
          { kind: '出生', date: '1986-09-03', detail: '出生地 神奈川県港北市 届出人 父' },
          {
            kind: '婚姻',
            date: '2014-06-01',
            detail: '配偶者氏名 山田太郎 従前戸籍 神奈川県港北市日吉二丁目5番地 田中修',
          },
        ],
        addresses: [
          { address: '神奈川県港北市日吉二丁目5番6号', from: '1986-09-03' },
          { address: MIDORI, from: '2015-04-01' },
        ],
      },
      {
        residentId: 'res-yamada-sakura',
        name: '山田\u3000さくら',
        birthDate: '2016-05-05',
        sex: 'female',
        father: TARO,
        mother: HANAKO,
        relationship: '長女',
        events: [{ kind: '出生', date: '2016-05-05', detail: '出生地 東京都葵市 届出人 父' }],
        addresses: [{ address: MIDORI, from: '2016-05-05' }],
      },
    ],
  },
  {
    id: 'ks-yoshida',
    municipalityCode: AOI,
    honseki: '東京都葵市城山二丁目10番地',
    head: '\u{20BB7}田\u3000一夫',
    persons: [
      {
        residentId: 'res-yoshida-kazuo',
        name: '\u{20BB7}田\u3000一夫',
        birthDate: '1965-10-10',
        sex: 'male',
        father: '\u{20BB7}田\u3000茂',
        mother: '\u{20BB7}田\u3000キヨ',
        relationship: '長男',
        events: [{ kind: '出生', date: '1965-10-10', detail: '出生地 東京都葵市 届出人 父' }],
        addresses: [{ address: '東京都葵市城山二丁目10番4号', from: '1995-05-20' }],
      },
    ],
  },
];

/** Services, closures, seals, tax records (relative to `now`) and 戸籍 of the demo municipality. */
export async function insertDemoRecords(db: Queryable, now: Date): Promise<void> {
  for (const service of DEMO_SERVICES) await insertServiceConfig(db, AOI, service);
  for (const closure of DEMO_CLOSURES) await insertClosure(db, AOI, closure);
  for (const seal of DEMO_SEALS) await insertSealRegistration(db, seal);
  for (const koseki of DEMO_KOSEKI) await insertKoseki(db, koseki);
  await refreshDemoTaxRecords(db, now);
}

/** Adds the tax records of `now`'s fiscal year (and the one before) that are not on file yet. */
export async function refreshDemoTaxRecords(db: Queryable, now: Date): Promise<void> {
  for (const record of demoTaxRecords(now)) await insertTaxRecord(db, record);
}
