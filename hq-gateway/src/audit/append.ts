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
    auditValues(e),
  );
}

// The columns' types, for parameters that reach the INSERT through a SELECT (which would not infer them).
const AUDIT_TYPES = [
  'timestamptz',
  'text',
  'text',
  'uuid',
  'uuid',
  'text',
  'text',
  'text',
  'text',
  'uuid',
  'uuid',
  'text',
  'uuid',
  'uuid',
] as const;

/**
 * The audit row as a data-modifying CTE, for a change that is one statement (`WITH <change>, <this> …`):
 * the row is written in that statement — so it commits with the change — and only if the CTE named
 * `whenAny` returned a row. Its parameters are numbered from `firstParam`; append `params` to the
 * statement's own. Saves the BEGIN, the separate INSERT and the COMMIT of appendAudit in a transaction.
 */
export function auditCte(
  name: string,
  whenAny: string,
  e: AuditEntry,
  firstParam: number,
): { sql: string; params: unknown[] } {
  const values = AUDIT_TYPES.map((type, i) => `$${firstParam + i}::${type}`).join(', ');
  return {
    sql: `${name} AS (INSERT INTO audit_log (${AUDIT_COLUMNS})
      SELECT ${values} WHERE EXISTS (SELECT 1 FROM ${whenAny}))`,
    params: auditValues(e),
  };
}

function auditValues(e: AuditEntry): unknown[] {
  return [
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
  ];
}
