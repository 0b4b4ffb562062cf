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

/** The holder, their household (without members who moved out), seal, tax records and local 戸籍. */
export async function loadResidentRecords(
  db: Queryable,
  residentId: string,
): Promise<ResidentRecords | null> {
  const heads = await db.query<
    ResidentRow & { address: string; m_code: string; m_prefecture: string; m_name: string; m_mayor: string }
  >(
    `SELECT ${RESIDENT_COLUMNS}, h.address, m.code AS m_code, m.prefecture AS m_prefecture, m.name AS m_name,
       m.mayor AS m_mayor
     FROM residents r
     JOIN households h ON h.id = r.household_id
     JOIN municipalities m ON m.code = h.municipality_code
     WHERE r.id = $1`,
    [residentId],
  );
  const head = heads[0];
  if (!head) return null;
  const municipality: Municipality = {
    code: head.m_code,
    prefecture: head.m_prefecture,
    name: head.m_name,
    mayor: head.m_mayor,
  };
  const holder = residentOf(head);
  const members = (
    await db.query<ResidentRow>(
      `SELECT ${RESIDENT_COLUMNS} FROM residents r
       WHERE r.household_id = $1 AND (r.moved_out_on IS NULL OR r.id = $2)
       ORDER BY r.is_householder DESC, r.birth_date, r.id`,
      [holder.householdId, holder.id],
    )
  ).map(residentOf);
  return {
    municipality,
    holder,
    household: { id: holder.householdId, address: head.address, members },
    sealRegistration: await loadSealRegistration(db, residentId),
    taxRecords: await loadTaxRecords(db, residentId),
    koseki: await loadKosekiOf(db, residentId, municipality.code),
  };
}

async function loadSealRegistration(db: Queryable, residentId: string): Promise<SealRegistration | null> {
  const rows = await db.query<{
    registration_number: string;
    impression_text: string;
    impression_shape: 'round' | 'square';
    registered_on: string;
  }>(
    `SELECT registration_number, impression_text, impression_shape, registered_on::text AS registered_on
     FROM seal_registrations WHERE resident_id = $1`,
    [residentId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    residentId,
    registrationNumber: row.registration_number,
    impression: { text: row.impression_text, shape: row.impression_shape },
    registeredOn: row.registered_on,
  };
}

async function loadTaxRecords(db: Queryable, residentId: string): Promise<TaxRecord[]> {
  const rows = await db.query<Record<string, number>>(
    `SELECT fiscal_year, income_yen, total_income_yen, deductions_yen, taxable_income_yen, municipal_tax_yen,
       prefectural_tax_yen
     FROM tax_records WHERE resident_id = $1 ORDER BY fiscal_year DESC`,
    [residentId],
  );
  return rows.map((r) => ({
    residentId,
    fiscalYear: Number(r.fiscal_year),
    incomeYen: Number(r.income_yen),
    totalIncomeYen: Number(r.total_income_yen),
    deductionsYen: Number(r.deductions_yen),
    taxableIncomeYen: Number(r.taxable_income_yen),
    municipalTaxYen: Number(r.municipal_tax_yen),
    prefecturalTaxYen: Number(r.prefectural_tax_yen),
  }));
}

const Events = z.array(z.object({ kind: z.string(), date: z.iso.date(), detail: z.string() }));
const Addresses = z.array(z.object({ address: z.string(), from: z.iso.date() }));

/** The 戸籍 listing this resident, when `municipalityCode` keeps it. */
async function loadKosekiOf(
  db: Queryable,
  residentId: string,
  municipalityCode: string,
): Promise<Koseki | null> {
  const heads = await db.query<{ id: string; honseki: string; head: string }>(
    `SELECT k.id, k.honseki, k.head FROM koseki k JOIN koseki_persons p ON p.koseki_id = k.id
     WHERE p.resident_id = $1 AND k.municipality_code = $2`,
    [residentId, municipalityCode],
  );
  const head = heads[0];
  if (!head) return null;
  const rows = await db.query<{
    resident_id: string | null;
    name: string;
    birth_date: string;
    sex: 'male' | 'female';
    father: string;
    mother: string;
    relationship: string;
    events: unknown;
    addresses: unknown;
  }>(
    `SELECT resident_id, name, birth_date::text AS birth_date, sex, father, mother, relationship,
       events::text AS events, addresses::text AS addresses
     FROM koseki_persons WHERE koseki_id = $1 ORDER BY position`,
    [head.id],
  );
  const persons: KosekiPerson[] = rows.map((r) => ({
    residentId: r.resident_id,
    name: r.name,
    birthDate: r.birth_date,
    sex: r.sex,
    father: r.father,
    mother: r.mother,
    relationship: r.relationship,
    events: Events.parse(JSON.parse(String(r.events))),
    addresses: Addresses.parse(JSON.parse(String(r.addresses))),
  }));
  return { id: head.id, municipalityCode, honseki: head.honseki, head: head.head, persons };
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
