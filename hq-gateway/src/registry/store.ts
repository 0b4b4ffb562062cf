import type { Queryable } from '../db/database';
import type { JpkiCaKind } from '../pki/jpki-names';
import type { CardRegistration, CertificateRef, Household, Municipality, Resident } from './types';

/** SQL of the resident registry: writes for seeding, reads for sessions and documents. */

export async function insertMunicipality(db: Queryable, m: Municipality): Promise<void> {
  await db.query('INSERT INTO municipalities (code, prefecture, name, mayor) VALUES ($1, $2, $3, $4)', [
    m.code,
    m.prefecture,
    m.name,
    m.mayor,
  ]);
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
       birth_date, sex, relationship, is_householder, became_resident_on, nationality, residence_status,
       residence_period_ends, residence_card_number, honseki_address, honseki_head, my_number, support_measure,
       moved_out_on, address_changed_on)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)`,
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
      r.foreign?.nationality ?? null,
      r.foreign?.status ?? null,
      r.foreign?.periodEnds ?? null,
      r.foreign?.cardNumber ?? null,
      r.honseki?.address ?? null,
      r.honseki?.head ?? null,
      r.myNumber,
      r.supportMeasure,
      r.movedOutOn,
      r.addressChangedOn,
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
}
