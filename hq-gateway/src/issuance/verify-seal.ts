import type { VerifyResponse } from '../api/schemas';
import type { Queryable } from '../db/database';
import type { DocumentSigningKey } from './document-signing';
import { verifySealOffline } from './seal';

export type SealVerdict = VerifyResponse & {
  /** Set when a correctly signed seal names a serial HQ has no record of (only lost data explains it). */
  unknownSerial?: true;
};

/**
 * GET /v1/verify behind the HTTP layer: the offline check (format, key, signature), then the copy's state
 * at HQ. A spoiled copy (voided, and replaced under a new serial) is void; issued or printed is valid.
 */
export async function verifySeal(db: Queryable, key: DocumentSigningKey, text: string): Promise<SealVerdict> {
  const check = verifySealOffline(text, key.publicKeyPem);
  if (!check.ok) return { result: 'forged', fields: null, reason: check.reason };
  const rows = await db.query<{ status: string; replaced: boolean }>(
    `SELECT c.status, EXISTS (SELECT 1 FROM issuance_copies r WHERE r.replaces_serial = c.serial) AS replaced
     FROM issuance_copies c WHERE c.serial = $1`,
    [check.fields.s],
  );
  const copy = rows[0];
  if (!copy) return { result: 'forged', fields: null, reason: 'unknown serial', unknownSerial: true };
  const voided = copy.status === 'spoiled' || copy.replaced;
  return { result: voided ? 'void' : 'valid', fields: check.fields, reason: null };
}
