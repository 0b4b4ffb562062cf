import type { JuminhyoPerson } from '../api/schemas';
import type { Queryable } from '../db/database';
import type { JpkiCaKind } from '../pki/jpki-names';
import {
  fullName,
  type CardRegistration,
  type CertificateRef,
  type Household,
  type Municipality,
  type Resident,
} from './types';
import type { z } from 'zod';

/** SQL of the resident registry: writes for seeding, reads for sessions and documents. */

export async function insertMunicipality(db: Queryable, m: Municipality): Promise<void> {
  await db.query(
    'INSERT INTO municipalities (code, prefecture, name, mayor, juminhyo_fee_yen) VALUES ($1, $2, $3, $4, $5)',
    [m.code, m.prefecture, m.name, m.mayor, m.juminhyoFeeYen],
  );
}

export async function insertHousehold(db: Queryable, h: Household): Promise<void> {
  await db.query('INSERT INTO households (id, municipality_code, address) VALUES ($1, $2, $3)', [
    h.id,
    h.municipalityCode,
    h.address,
  ]);
}

export async function insertResident(db: Queryable, r: Resident): Promise<void> {
  await db.query(
    `INSERT INTO residents (id, household_id, family_name, given_name, family_name_kana, given_name_kana,
       birth_date, sex, relationship, is_householder, became_resident_on)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      r.id,
      r.householdId,
      r.familyName,
      r.givenName,
      r.familyNameKana,
      r.givenNameKana,
      r.birthDate,
      r.sex,
      r.relationship,
      r.isHouseholder,
      r.becameResidentOn,
    ],
  );
}

export async function registerCard(db: Queryable, c: CardRegistration): Promise<void> {
  await db.query(
    `INSERT INTO cards (id, resident_id, card_serial, user_auth_issuer_key_id, user_auth_serial,
       user_auth_cert_sha256, signature_issuer_key_id, signature_serial, signature_cert_sha256)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      c.id,
      c.residentId,
      c.cardSerial,
      c.userAuthIssuerKeyId,
      c.userAuthSerial,
      c.userAuthCertSha256,
      c.signature?.issuerKeyId ?? null,
      c.signature?.serialNumber ?? null,
      c.signature?.sha256 ?? null,
    ],
  );
}

/** A card found by one of its certificates (what PIN reset needs: no personal data). */
export interface RegisteredCard {
  cardId: string;
  residentId: string;
  /** As published in EF 0006; K_card is diversified from it. */
  cardSerial: string;
  /** A child's card has none: it can neither prove possession with it nor have its PIN reset. */
  hasSignatureCertificate: boolean;
}

/** The card a validated certificate of `kind` is registered to, or null. */
export async function findCardByCertificate(
  db: Queryable,
  kind: JpkiCaKind,
  cert: CertificateRef,
): Promise<RegisteredCard | null> {
  const where =
    kind === 'userAuth'
      ? 'user_auth_issuer_key_id = $1 AND user_auth_serial = $2 AND user_auth_cert_sha256 = $3'
      : 'signature_issuer_key_id = $1 AND signature_serial = $2 AND signature_cert_sha256 = $3';
  const rows = await db.query<{
    id: string;
    resident_id: string;
    card_serial: string;
    has_signature: boolean;
  }>(
    `SELECT id, resident_id, card_serial, signature_cert_sha256 IS NOT NULL AS has_signature
     FROM cards WHERE ${where}`,
    [cert.issuerKeyId, cert.serialNumber, cert.sha256],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    cardId: row.id,
    residentId: row.resident_id,
    cardSerial: row.card_serial,
    hasSignatureCertificate: row.has_signature,
  };
}

export interface CardHolder {
  cardId: string;
  residentId: string;
  municipality: { code: string; name: string };
  juminhyoFeeYen: number;
}

/** The resident behind a validated certificate: issuer key id + serial identify it, the hash pins it. */
export async function findCardHolder(
  db: Queryable,
  cert: { issuerKeyId: string; serialNumber: string; sha256: string },
): Promise<CardHolder | null> {
  const rows = await db.query<{
    card_id: string;
    resident_id: string;
    code: string;
    name: string;
    juminhyo_fee_yen: number;
  }>(
    `SELECT c.id AS card_id, r.id AS resident_id, m.code, m.name, m.juminhyo_fee_yen
     FROM cards c
     JOIN residents r ON r.id = c.resident_id
     JOIN households h ON h.id = r.household_id
     JOIN municipalities m ON m.code = h.municipality_code
     WHERE c.user_auth_issuer_key_id = $1 AND c.user_auth_serial = $2 AND c.user_auth_cert_sha256 = $3`,
    [cert.issuerKeyId, cert.serialNumber, cert.sha256],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    cardId: row.card_id,
    residentId: row.resident_id,
    municipality: { code: row.code, name: row.name },
    juminhyoFeeYen: Number(row.juminhyo_fee_yen),
  };
}

/** What a 住民票の写し of one resident (scope "self") prints. */
export interface JuminhyoRecord {
  municipality: Municipality;
  address: string;
  /** The householder's name (always printed, even on a one-person extract). */
  householder: string;
  person: z.infer<typeof JuminhyoPerson>;
}

export async function loadJuminhyoRecord(db: Queryable, residentId: string): Promise<JuminhyoRecord | null> {
  const rows = await db.query<{
    family_name: string;
    given_name: string;
    family_name_kana: string;
    given_name_kana: string;
    birth_date: string;
    sex: 'male' | 'female';
    relationship: string;
    became_resident_on: string;
    address: string;
    householder_family_name: string | null;
    householder_given_name: string | null;
    code: string;
    prefecture: string;
    municipality_name: string;
    mayor: string;
    juminhyo_fee_yen: number;
  }>(
    `SELECT r.family_name, r.given_name, r.family_name_kana, r.given_name_kana,
       r.birth_date::text AS birth_date, r.sex, r.relationship, r.became_resident_on::text AS became_resident_on,
       h.address, hh.family_name AS householder_family_name, hh.given_name AS householder_given_name,
       m.code, m.prefecture, m.name AS municipality_name, m.mayor, m.juminhyo_fee_yen
     FROM residents r
     JOIN households h ON h.id = r.household_id
     JOIN municipalities m ON m.code = h.municipality_code
     LEFT JOIN residents hh ON hh.household_id = h.id AND hh.is_householder
     WHERE r.id = $1`,
    [residentId],
  );
  const row = rows[0];
  if (!row) return null;
  if (row.householder_family_name === null || row.householder_given_name === null) {
    // A household always has a householder; data without one must not produce a wrong certificate.
    throw new Error(`household of resident ${residentId} has no householder`);
  }
  return {
    municipality: {
      code: row.code,
      prefecture: row.prefecture,
      name: row.municipality_name,
      mayor: row.mayor,
      juminhyoFeeYen: row.juminhyo_fee_yen,
    },
    address: row.address,
    householder: fullName(row.householder_family_name, row.householder_given_name),
    person: {
      name: fullName(row.family_name, row.given_name),
      nameKana: fullName(row.family_name_kana, row.given_name_kana),
      birthDate: row.birth_date,
      sex: row.sex,
      relationship: row.relationship,
      becameResidentOn: row.became_resident_on,
    },
  };
}
