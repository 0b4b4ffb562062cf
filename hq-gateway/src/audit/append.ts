import type { AuditEntry } from '../db/audit';
import type { Queryable } from '../db/database';

const AUDIT_COLUMNS = `at, event, terminal_id, session_id, issuance_id, card_id, resident_id, serial, code,
  reservation_id, pin_reset_id, pin_kind, operator_id, subject_id`;

/**
 * Appends one row to the audit log: a plain INSERT in the caller's transaction (pass the transaction the
 * audited change runs in, so the row commits or rolls back with it), or on its own given the database.
 * The row is written with seq, prev_hash and hash NULL and takes no lock: the sealer (seal.ts) gives it its
 * place in the hash chain shortly after it commits. Locking the chain head here instead serialised every
 * audited transaction of every gateway on one row.
 */
export async function appendAudit(db: Queryable, e: AuditEntry): Promise<void> {
  await db.query(
    `INSERT INTO audit_log (${AUDIT_COLUMNS})
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [
      e.at.toISOString(),
      e.event,
      e.terminalId ?? null,
      e.sessionId ?? null,
      e.issuanceId ?? null,
      e.cardId ?? null,
      e.residentId ?? null,
      e.serial ?? null,
      e.code ?? null,
      e.reservationId ?? null,
      e.pinResetId ?? null,
      e.pinKind ?? null,
      e.operatorId ?? null,
      e.subjectId ?? null,
    ],
  );
}
