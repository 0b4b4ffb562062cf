import type { Queryable } from '../db/database';
import { jst } from '../issuance/jst';
import { insertDemoRecords, refreshDemoTaxRecords } from './demo-records';
import { withMyNumberCheckDigit } from './my-number';
import { insertHousehold, insertMunicipality, insertResident } from './store';
import type { Household, Municipality, Resident } from './types';

/**
 * A fictional municipality for the demo and the tests: 東京都 葵市. Every person here is invented.
 * 13999 is not an assigned code; 8 is its check digit (weights 6-5-4-3-2, 11 minus the sum mod 11).
 */
export const DEMO_MUNICIPALITY: Municipality = {
  code: '139998',
  prefecture: '東京都',
  name: '葵市',
  mayor: '青木 誠一',
};

export const DEMO_HOUSEHOLDS: readonly Household[] = [
  { id: 'hh-yamada', municipalityCode: DEMO_MUNICIPALITY.code, address: '東京都葵市緑町一丁目2番3号' },
  { id: 'hh-sato', municipalityCode: DEMO_MUNICIPALITY.code, address: '東京都葵市桜台三丁目4番5号' },
  {
    id: 'hh-nguyen',
    municipalityCode: DEMO_MUNICIPALITY.code,
    address: '東京都葵市港町二丁目8番1号 葵ハイツ305号',
  },
  { id: 'hh-suzuki', municipalityCode: DEMO_MUNICIPALITY.code, address: '東京都葵市若葉台四丁目1番9号' },
  { id: 'hh-takahashi', municipalityCode: DEMO_MUNICIPALITY.code, address: '東京都葵市川端町六丁目3番2号' },
  { id: 'hh-ito', municipalityCode: DEMO_MUNICIPALITY.code, address: '東京都葵市本町五丁目6番7号' },
  { id: 'hh-yoshida', municipalityCode: DEMO_MUNICIPALITY.code, address: '東京都葵市城山二丁目10番4号' },
];

/** The resident who moved in "today": insertDemoRegistry and refreshDemoDates set the date. */
export const DEMO_MOVED_IN_TODAY = 'res-ito-mai';

const AOI_HONSEKI = '東京都葵市緑町一丁目2番地';

type ResidentCore = Omit<
  Resident,
  'foreign' | 'honseki' | 'myNumber' | 'supportMeasure' | 'movedOutOn' | 'addressChangedOn'
>;

/** A Japanese national with no special status, unless `extra` says otherwise. */
function resident(core: ResidentCore, myNumberBody: string, extra: Partial<Resident> = {}): Resident {
  return {
    ...core,
    foreign: null,
    honseki: null,
    myNumber: withMyNumberCheckDigit(myNumberBody),
    supportMeasure: false,
    movedOutOn: null,
    addressChangedOn: null,
    ...extra,
  };
}

const yamada = { householdId: 'hh-yamada', familyName: '山田', familyNameKana: 'ヤマダ' } as const;
const yamadaHonseki = { honseki: { address: AOI_HONSEKI, head: '山田\u3000太郎' } };

export const DEMO_RESIDENTS: readonly Resident[] = [
  resident(
    {
      ...yamada,
      id: 'res-yamada-taro',
      givenName: '太郎',
      givenNameKana: 'タロウ',
      birthDate: '1984-04-15',
      sex: 'male',
      relationship: '世帯主',
      isHouseholder: true,
      becameResidentOn: '2015-04-01',
    },
    '10000000011',
    yamadaHonseki,
  ),
  resident(
    {
      ...yamada,
      id: 'res-yamada-hanako',
      givenName: '花子',
      givenNameKana: 'ハナコ',
      birthDate: '1986-09-03',
      sex: 'female',
      relationship: '妻',
      isHouseholder: false,
      becameResidentOn: '2015-04-01',
    },
    '10000000022',
    yamadaHonseki,
  ),
  // Aged 10 (under 15 until 2031-05-05): her card has no signature certificate; the kiosk refuses her.
  resident(
    {
      ...yamada,
      id: 'res-yamada-sakura',
      givenName: 'さくら',
      givenNameKana: 'サクラ',
      birthDate: '2016-05-05',
      sex: 'female',
      relationship: '子',
      isHouseholder: false,
      becameResidentOn: '2016-05-05',
    },
    '10000000033',
    yamadaHonseki,
  ),
  // 本籍 in another prefecture: no 戸籍 here.
  resident(
    {
      id: 'res-sato-kenichi',
      householdId: 'hh-sato',
      familyName: '佐藤',
      givenName: '健一',
      familyNameKana: 'サトウ',
      givenNameKana: 'ケンイチ',
      birthDate: '1972-11-20',
      sex: 'male',
      relationship: '世帯主',
      isHouseholder: true,
      becameResidentOn: '2001-10-15',
    },
    '10000000044',
    { honseki: { address: '大阪府浪速市中央一丁目1番地', head: '佐藤\u3000健一' } },
  ),
  // A foreign resident: 国籍・地域 and 在留 fields instead of 本籍.
  resident(
    {
      id: 'res-nguyen-van-an',
      householdId: 'hh-nguyen',
      familyName: 'NGUYEN',
      givenName: 'VAN AN',
      familyNameKana: 'グエン',
      givenNameKana: 'ヴァン アン',
      birthDate: '1994-07-12',
      sex: 'male',
      relationship: '世帯主',
      isHouseholder: true,
      becameResidentOn: '2022-04-01',
    },
    '10000000055',
    {
      foreign: {
        nationality: 'ベトナム',
        status: '技術・人文知識・国際業務',
        periodEnds: '2028-03-31',
        cardNumber: 'AB12345678CD',
      },
    },
  ),
  // DV等支援措置: the kiosk issues nothing and says only "please ask at the city office".
  resident(
    {
      id: 'res-suzuki-michiko',
      householdId: 'hh-suzuki',
      familyName: '鈴木',
      givenName: '美智子',
      familyNameKana: 'スズキ',
      givenNameKana: 'ミチコ',
      birthDate: '1979-02-14',
      sex: 'female',
      relationship: '世帯主',
      isHouseholder: true,
      becameResidentOn: '2020-08-01',
    },
    '10000000066',
    { supportMeasure: true, honseki: { address: '北海道白浜市港一丁目5番地', head: '鈴木\u3000美智子' } },
  ),
  // 転出済み: moved out on 2026-03-31; his card still authenticates him.
  resident(
    {
      id: 'res-takahashi-jiro',
      householdId: 'hh-takahashi',
      familyName: '高橋',
      givenName: '二郎',
      familyNameKana: 'タカハシ',
      givenNameKana: 'ジロウ',
      birthDate: '1990-06-30',
      sex: 'male',
      relationship: '世帯主',
      isHouseholder: true,
      becameResidentOn: '2012-04-01',
    },
    '10000000077',
    { movedOutOn: '2026-03-31', honseki: { address: '宮城県青葉市本町二丁目3番地', head: '高橋\u3000一郎' } },
  ),
  // Moved in "today" (転入の当日): the date here is a placeholder that the demo replaces with today's.
  resident(
    {
      id: DEMO_MOVED_IN_TODAY,
      householdId: 'hh-ito',
      familyName: '伊藤',
      givenName: '舞',
      familyNameKana: 'イトウ',
      givenNameKana: 'マイ',
      birthDate: '1998-12-01',
      sex: 'female',
      relationship: '世帯主',
      isHouseholder: true,
      becameResidentOn: '2026-01-01',
    },
    '10000000088',
    { honseki: { address: '福岡県博多市天神三丁目4番地', head: '伊藤\u3000誠' } },
  ),
  // 𠮷 (U+20BB7, つちよし) is outside JIS X 0208: renderers without it print a substitute.
  resident(
    {
      id: 'res-yoshida-kazuo',
      householdId: 'hh-yoshida',
      familyName: '\u{20BB7}田',
      givenName: '一夫',
      familyNameKana: 'ヨシダ',
      givenNameKana: 'カズオ',
      birthDate: '1965-10-10',
      sex: 'male',
      relationship: '世帯主',
      isHouseholder: true,
      becameResidentOn: '1995-05-20',
    },
    '10000000099',
    { honseki: { address: '東京都葵市城山二丁目10番地', head: '\u{20BB7}田\u3000一夫' } },
  ),
];

export interface DemoCard {
  /** Stable id: the card profile's file name and the developer panel's handle. */
  id: string;
  residentId: string;
  /** Card serial as published in EF 0006. */
  cardSerial: string;
  /** 4 digits. */
  userAuthPin: string;
  /** 6–16 of A–Z0–9 with a letter and a digit; null for a child under 15 (no signature certificate). */
  signaturePin: string | null;
  /** The demo shows a locked card: its user-authentication PIN has no tries left. */
  userAuthLocked: boolean;
}

export const DEMO_CARDS: readonly DemoCard[] = [
  {
    id: 'demo-taro',
    residentId: 'res-yamada-taro',
    cardSerial: 'DEMO0000000001',
    userAuthPin: '1234',
    signaturePin: 'TARO2024',
    userAuthLocked: false,
  },
  {
    id: 'demo-hanako',
    residentId: 'res-yamada-hanako',
    cardSerial: 'DEMO0000000002',
    userAuthPin: '2345',
    signaturePin: 'HANAKO55',
    userAuthLocked: false,
  },
  {
    id: 'demo-sakura',
    residentId: 'res-yamada-sakura',
    cardSerial: 'DEMO0000000003',
    userAuthPin: '3456',
    signaturePin: null,
    userAuthLocked: false,
  },
  {
    id: 'demo-kenichi',
    residentId: 'res-sato-kenichi',
    cardSerial: 'DEMO0000000004',
    userAuthPin: '4567',
    signaturePin: 'KEN1CHI9',
    userAuthLocked: true,
  },
  {
    id: 'demo-nguyen',
    residentId: 'res-nguyen-van-an',
    cardSerial: 'DEMO0000000005',
    userAuthPin: '5678',
    signaturePin: 'NGUYEN25',
    userAuthLocked: false,
  },
  {
    id: 'demo-michiko',
    residentId: 'res-suzuki-michiko',
    cardSerial: 'DEMO0000000006',
    userAuthPin: '6789',
    signaturePin: 'MICHIKO7',
    userAuthLocked: false,
  },
  {
    id: 'demo-jiro',
    residentId: 'res-takahashi-jiro',
    cardSerial: 'DEMO0000000007',
    userAuthPin: '7890',
    signaturePin: 'JIRO2026',
    userAuthLocked: false,
  },
  {
    id: 'demo-mai',
    residentId: DEMO_MOVED_IN_TODAY,
    cardSerial: 'DEMO0000000008',
    userAuthPin: '8901',
    signaturePin: 'MAI12345',
    userAuthLocked: false,
  },
  {
    id: 'demo-yoshida',
    residentId: 'res-yoshida-kazuo',
    cardSerial: 'DEMO0000000009',
    userAuthPin: '9012',
    signaturePin: 'YOSHIDA8',
    userAuthLocked: false,
  },
];

export function demoResident(id: string): Resident {
  const resident = DEMO_RESIDENTS.find((r) => r.id === id);
  if (!resident) throw new Error(`no demo resident ${id}`);
  return resident;
}

export function demoHousehold(id: string): Household {
  const household = DEMO_HOUSEHOLDS.find((h) => h.id === id);
  if (!household) throw new Error(`no demo household ${id}`);
  return household;
}

/**
 * Writes the municipality (services, hours, closures), households, residents, seal registrations, tax
 * records and 戸籍 (cards need certificates: the seed registers them). Dates that must be relative to the
 * day — the "moved in today" resident, the current fiscal year's tax records — are taken from `now`;
 * refreshDemoDates moves them on later days.
 */
export async function insertDemoRegistry(db: Queryable, now: Date = new Date()): Promise<void> {
  await insertMunicipality(db, DEMO_MUNICIPALITY);
  for (const household of DEMO_HOUSEHOLDS) await insertHousehold(db, household);
  const today = jst(now).date;
  for (const r of DEMO_RESIDENTS) {
    await insertResident(db, r.id === DEMO_MOVED_IN_TODAY ? { ...r, becameResidentOn: today } : r);
  }
  await insertDemoRecords(db, now);
}

/**
 * Keeps the demo's day-relative data true on a later day: the "moved in today" resident moved in today
 * (JST), and the current fiscal year has tax records. Idempotent; call it when the demo starts.
 */
export async function refreshDemoDates(db: Queryable, now: Date = new Date()): Promise<void> {
  await db.query('UPDATE residents SET became_resident_on = $2 WHERE id = $1', [
    DEMO_MOVED_IN_TODAY,
    jst(now).date,
  ]);
  await refreshDemoTaxRecords(db, now);
}
