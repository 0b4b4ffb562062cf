import type { AuditEntry } from '../db/audit';
import type { Queryable } from '../db/database';

/** Each audit column with its SQL type and its value in an entry: one list, so the three cannot drift. */
const AUDIT_FIELDS: readonly (readonly [column: string, type: string, value: (e: AuditEntry) => unknown])[] =
  [
    ['at', 'timestamptz', (e) => e.at.toISOString()],
    ['event', 'text', (e) => e.event],
    ['terminal_id', 'text', (e) => e.terminalId ?? null],
    ['session_id', 'uuid', (e) => e.sessionId ?? null],
    ['issuance_id', 'uuid', (e) => e.issuanceId ?? null],
    ['card_id', 'text', (e) => e.cardId ?? null],
    ['resident_id', 'text', (e) => e.residentId ?? null],
    ['serial', 'text', (e) => e.serial ?? null],
    ['code', 'text', (e) => e.code ?? null],
    ['reservation_id', 'uuid', (e) => e.reservationId ?? null],
    ['pin_reset_id', 'uuid', (e) => e.pinResetId ?? null],
    ['pin_kind', 'text', (e) => e.pinKind ?? null],
    ['operator_id', 'uuid', (e) => e.operatorId ?? null],
    ['subject_id', 'uuid', (e) => e.subjectId ?? null],
  ];

const AUDIT_COLUMNS = AUDIT_FIELDS.map(([column]) => column).join(', ');

function auditValues(e: AuditEntry): unknown[] {
  return AUDIT_FIELDS.map(([, , value]) => value(e));
}

/**
 * Appends one row to the audit log: a plain INSERT in the caller's transaction (pass the transaction the
 * audited change runs in, so the row commits or rolls back with it), or on its own given the database.
 * The row is written with seq, prev_hash and hash NULL and takes no lock: the sealer (seal.ts) gives it its
 * place in the hash chain shortly after it commits. Locking the chain head here instead serialised every
 * audited transaction of every gateway on one row.
 */
export async function appendAudit(db: Queryable, e: AuditEntry): Promise<void> {
  const placeholders = AUDIT_FIELDS.map((_, i) => `$${i + 1}`).join(', ');
  await db.query(`INSERT INTO audit_log (${AUDIT_COLUMNS}) VALUES (${placeholders})`, auditValues(e));
}

/**
 * The audit row as a data-modifying CTE, for a change that is one statement (`WITH <change>, <this> …`):
 * the row is written in that statement — so it commits with the change — and only if the CTE named
 * `whenAny` returned a row. Its parameters are numbered from `firstParam`; append `params` to the
 * statement's own. Saves the BEGIN, the separate INSERT and the COMMIT of appendAudit in a transaction.
 * The parameters carry their column's type: reaching the INSERT through a SELECT, they would not infer it.
 */
export function auditCte(
  name: string,
  whenAny: string,
  e: AuditEntry,
  firstParam: number,
): { sql: string; params: unknown[] } {
  const values = AUDIT_FIELDS.map(([, type], i) => `$${firstParam + i}::${type}`).join(', ');
  return {
    sql: `${name} AS (INSERT INTO audit_log (${AUDIT_COLUMNS})
      SELECT ${values} WHERE EXISTS (SELECT 1 FROM ${whenAny}))`,
    params: auditValues(e),
  };
}
