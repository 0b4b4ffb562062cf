import { auditCte } from '../audit/append';
import type { AuditEntry } from './audit';
import type { Queryable } from './database';

export interface SessionRecord {
  id: string;
  terminalId: string;
  cardId: string;
  residentId: string;
  /** SHA-256 of the user-authentication certificate that opened the session, hex. */
  cardCertSha256: string;
  createdAt: Date;
  expiresAt: Date;
}

/** Inserts the session and its audit row, in one statement. Reading it is issuance/offer-loader.ts. */
export async function insertSession(db: Queryable, s: SessionRecord, audit: AuditEntry): Promise<void> {
  const audited = auditCte('audited', 'opened', audit, 8);
  await db.query(
    `WITH opened AS (
       INSERT INTO sessions (id, terminal_id, card_id, resident_id, card_cert_sha256, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id),
     ${audited.sql}
     SELECT id FROM opened`,
    [
      s.id,
      s.terminalId,
      s.cardId,
      s.residentId,
      s.cardCertSha256,
      s.createdAt.toISOString(),
      s.expiresAt.toISOString(),
      ...audited.params,
    ],
  );
}
