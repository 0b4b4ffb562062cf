import { z } from 'zod';
import type { Queryable } from '../db/database';
import type {
  Koseki,
  KosekiPerson,
  Municipality,
  Resident,
  ResidentRecords,
  SealRegistration,
  TaxRecord,
} from './types';

/** SQL of what certificates print: residents with their households, seals, tax records and 戸籍. */

const RESIDENT_COLUMNS = `r.id, r.household_id, r.family_name, r.given_name, r.family_name_kana, r.given_name_kana,
  r.birth_date::text AS birth_date, r.sex, r.relationship, r.is_householder,
  r.became_resident_on::text AS became_resident_on, r.nationality, r.residence_status,
  r.residence_period_ends::text AS residence_period_ends, r.residence_card_number, r.honseki_address,
  r.honseki_head, r.my_number, r.support_measure, r.moved_out_on::text AS moved_out_on,
  r.address_changed_on::text AS address_changed_on`;

interface ResidentRow {
  id: string;
  household_id: string;
  family_name: string;
  given_name: string;
  family_name_kana: string;
  given_name_kana: string;
  birth_date: string;
  sex: 'male' | 'female';
  relationship: string;
  is_householder: boolean;
  became_resident_on: string;
  nationality: string | null;
  residence_status: string | null;
  residence_period_ends: string | null;
  residence_card_number: string | null;
  honseki_address: string | null;
  honseki_head: string | null;
  my_number: string | null;
  support_measure: boolean;
  moved_out_on: string | null;
  address_changed_on: string | null;
}

function residentOf(row: ResidentRow): Resident {
  return {
    id: row.id,
    householdId: row.household_id,
    familyName: row.family_name,
    givenName: row.given_name,
    familyNameKana: row.family_name_kana,
    givenNameKana: row.given_name_kana,
    birthDate: row.birth_date,
    sex: row.sex,
    relationship: row.relationship,
    isHouseholder: row.is_householder,
    becameResidentOn: row.became_resident_on,
    // The table's CHECK keeps the four residence columns all set or all NULL.
    foreign:
      row.nationality !== null
        ? {
            nationality: row.nationality,
            status: row.residence_status ?? '',
            periodEnds: row.residence_period_ends ?? '',
            cardNumber: row.residence_card_number ?? '',
          }
        : null,
    honseki:
      row.honseki_address !== null ? { address: row.honseki_address, head: row.honseki_head ?? '' } : null,
    myNumber: row.my_number,
    supportMeasure: row.support_measure,
    movedOutOn: row.moved_out_on,
    addressChangedOn: row.address_changed_on,
  };
}

/** A records row: the columns of `recordsSelect` below. */
export type RecordsRow = ResidentRow & {
  address: string;
  m_code: string;
  m_prefecture: string;
  m_name: string;
  m_mayor: string;
  members: ResidentRow[];
  seal: SealRow | null;
  taxes: TaxRow[] | null;
  koseki: KosekiRow | null;
};

/**
 * The select list and joins of a resident's records — the holder, their household (without members who
 * moved out), seal, tax records and local 戸籍 — for the resident whose id is `residentId` (an SQL
 * expression). Every request of a transaction (session, offer, issuance) reads them, so they are one
 * statement, and callers join them to what they read anyway (issuance/offer-loader.ts). The joins are LEFT
 * JOINs: a resident no longer registered gives a row with `id` NULL.
 */
export function recordsSelect(residentId: string): { columns: string; joins: string } {
  // The subqueries alias residents as r again, so RESIDENT_COLUMNS serves both; h and m stay the holder's.
  return {
    columns: `${RESIDENT_COLUMNS}, h.address, m.code AS m_code, m.prefecture AS m_prefecture,
       m.name AS m_name, m.mayor AS m_mayor,
       (SELECT json_agg(x ORDER BY x.is_householder DESC, x.birth_date, x.id)
        FROM (SELECT ${RESIDENT_COLUMNS} FROM residents r
              WHERE r.household_id = h.id AND (r.moved_out_on IS NULL OR r.id = ${residentId})) x) AS members,
       (SELECT row_to_json(s) FROM (
          SELECT registration_number, impression_text, impression_shape, registered_on::text AS registered_on
          FROM seal_registrations WHERE resident_id = ${residentId}) s) AS seal,
       (SELECT json_agg(t ORDER BY t.fiscal_year DESC) FROM (
          SELECT fiscal_year, income_yen, total_income_yen, deductions_yen, taxable_income_yen,
            municipal_tax_yen, prefectural_tax_yen
          FROM tax_records WHERE resident_id = ${residentId}) t) AS taxes,
       (SELECT json_build_object('id', k.id, 'honseki', k.honseki, 'head', k.head, 'persons',
          (SELECT json_agg(kp ORDER BY kp.position) FROM (
             SELECT position, resident_id, name, birth_date::text AS birth_date, sex, father, mother,
               relationship, events, addresses
             FROM koseki_persons WHERE koseki_id = k.id) kp))
        FROM koseki k JOIN koseki_persons p ON p.koseki_id = k.id
        WHERE p.resident_id = ${residentId} AND k.municipality_code = m.code LIMIT 1) AS koseki`,
    joins: `LEFT JOIN residents r ON r.id = ${residentId}
       LEFT JOIN households h ON h.id = r.household_id
       LEFT JOIN municipalities m ON m.code = h.municipality_code`,
  };
}

/** The records in a row of `recordsSelect`, or null when the resident is not (or no longer) registered. */
export function recordsOf(row: RecordsRow | (Partial<RecordsRow> & { id: null })): ResidentRecords | null {
  if (row.id === null || row.id === undefined) return null;
  const head = row as RecordsRow;
  const municipality: Municipality = {
    code: head.m_code,
    prefecture: head.m_prefecture,
    name: head.m_name,
    mayor: head.m_mayor,
  };
  const holder = residentOf(head);
  return {
    municipality,
    holder,
    household: { id: holder.householdId, address: head.address, members: head.members.map(residentOf) },
    sealRegistration: head.seal && sealOf(holder.id, head.seal),
    taxRecords: (head.taxes ?? []).map((t) => taxOf(holder.id, t)),
    koseki: head.koseki && kosekiOf(head.koseki, municipality.code),
  };
}

/** One resident's records (see recordsSelect). Requests read them through issuance/offer-loader.ts. */
export async function loadResidentRecords(
  db: Queryable,
  residentId: string,
): Promise<ResidentRecords | null> {
  const { columns, joins } = recordsSelect('$1::text');
  const rows = await db.query<RecordsRow>(`SELECT ${columns} FROM (SELECT 1) one ${joins}`, [residentId]);
  return rows[0] ? recordsOf(rows[0]) : null;
}

interface SealRow {
  registration_number: string;
  impression_text: string;
  impression_shape: 'round' | 'square';
  registered_on: string;
}

function sealOf(residentId: string, row: SealRow): SealRegistration {
  return {
    residentId,
    registrationNumber: row.registration_number,
    impression: { text: row.impression_text, shape: row.impression_shape },
    registeredOn: row.registered_on,
  };
}

type TaxRow = Record<string, number>;

function taxOf(residentId: string, r: TaxRow): TaxRecord {
  return {
    residentId,
    fiscalYear: Number(r.fiscal_year),
    incomeYen: Number(r.income_yen),
    totalIncomeYen: Number(r.total_income_yen),
    deductionsYen: Number(r.deductions_yen),
    taxableIncomeYen: Number(r.taxable_income_yen),
    municipalTaxYen: Number(r.municipal_tax_yen),
    prefecturalTaxYen: Number(r.prefectural_tax_yen),
  };
}

const Events = z.array(z.object({ kind: z.string(), date: z.iso.date(), detail: z.string() }));
const Addresses = z.array(z.object({ address: z.string(), from: z.iso.date() }));

interface KosekiRow {
  id: string;
  honseki: string;
  head: string;
  persons: {
    resident_id: string | null;
    name: string;
    birth_date: string;
    sex: 'male' | 'female';
    father: string;
    mother: string;
    relationship: string;
    events: unknown;
    addresses: unknown;
  }[];
}

/** The 戸籍 listing the resident (the query keeps only one the resident's municipality holds). */
function kosekiOf(row: KosekiRow, municipalityCode: string): Koseki {
  const persons: KosekiPerson[] = row.persons.map((r) => ({
    residentId: r.resident_id,
    name: r.name,
    birthDate: r.birth_date,
    sex: r.sex,
    father: r.father,
    mother: r.mother,
    relationship: r.relationship,
    events: Events.parse(r.events),
    addresses: Addresses.parse(r.addresses),
  }));
  return { id: row.id, municipalityCode, honseki: row.honseki, head: row.head, persons };
}

export async function insertSealRegistration(db: Queryable, s: SealRegistration): Promise<void> {
  await db.query(
    `INSERT INTO seal_registrations (resident_id, registration_number, impression_text, impression_shape,
       registered_on) VALUES ($1, $2, $3, $4, $5)`,
    [s.residentId, s.registrationNumber, s.impression.text, s.impression.shape, s.registeredOn],
  );
}

/** Inserts the record unless that year is already on file. */
export async function insertTaxRecord(db: Queryable, t: TaxRecord): Promise<void> {
  await db.query(
    `INSERT INTO tax_records (resident_id, fiscal_year, income_yen, total_income_yen, deductions_yen,
       taxable_income_yen, municipal_tax_yen, prefectural_tax_yen) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (resident_id, fiscal_year) DO NOTHING`,
    [
      t.residentId,
      t.fiscalYear,
      t.incomeYen,
      t.totalIncomeYen,
      t.deductionsYen,
      t.taxableIncomeYen,
      t.municipalTaxYen,
      t.prefecturalTaxYen,
    ],
  );
}

export async function insertKoseki(db: Queryable, k: Koseki): Promise<void> {
  await db.query('INSERT INTO koseki (id, municipality_code, honseki, head) VALUES ($1, $2, $3, $4)', [
    k.id,
    k.municipalityCode,
    k.honseki,
    k.head,
  ]);
  for (const [i, p] of k.persons.entries()) {
    await db.query(
      `INSERT INTO koseki_persons (koseki_id, position, resident_id, name, birth_date, sex, father, mother,
         relationship, events, addresses) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        k.id,
        i + 1,
        p.residentId,
        p.name,
        p.birthDate,
        p.sex,
        p.father,
        p.mother,
        p.relationship,
        JSON.stringify(p.events),
        JSON.stringify(p.addresses),
      ],
    );
  }
}
