import type { Queryable } from '../db/database';
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
  juminhyoFeeYen: 300,
};

export const DEMO_HOUSEHOLDS: readonly Household[] = [
  { id: 'hh-yamada', municipalityCode: DEMO_MUNICIPALITY.code, address: '東京都葵市緑町一丁目2番3号' },
  { id: 'hh-sato', municipalityCode: DEMO_MUNICIPALITY.code, address: '東京都葵市桜台三丁目4番5号' },
];

export const DEMO_RESIDENTS: readonly Resident[] = [
  {
    id: 'res-yamada-taro',
    householdId: 'hh-yamada',
    familyName: '山田',
    givenName: '太郎',
    familyNameKana: 'ヤマダ',
    givenNameKana: 'タロウ',
    birthDate: '1984-04-15',
    sex: 'male',
    relationship: '世帯主',
    isHouseholder: true,
    becameResidentOn: '2015-04-01',
  },
  {
    id: 'res-yamada-hanako',
    householdId: 'hh-yamada',
    familyName: '山田',
    givenName: '花子',
    familyNameKana: 'ヤマダ',
    givenNameKana: 'ハナコ',
    birthDate: '1986-09-03',
    sex: 'female',
    relationship: '妻',
    isHouseholder: false,
    becameResidentOn: '2015-04-01',
  },
  {
    // Aged 10 (under 15 until 2031-05-05): her card has no signature certificate.
    id: 'res-yamada-sakura',
    householdId: 'hh-yamada',
    familyName: '山田',
    givenName: 'さくら',
    familyNameKana: 'ヤマダ',
    givenNameKana: 'サクラ',
    birthDate: '2016-05-05',
    sex: 'female',
    relationship: '子',
    isHouseholder: false,
    becameResidentOn: '2016-05-05',
  },
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

/** Writes the municipality, households and residents (cards need certificates: the seed registers them). */
export async function insertDemoRegistry(db: Queryable): Promise<void> {
  await insertMunicipality(db, DEMO_MUNICIPALITY);
  for (const household of DEMO_HOUSEHOLDS) await insertHousehold(db, household);
  for (const resident of DEMO_RESIDENTS) await insertResident(db, resident);
}
