import type { AuditEntry } from '../db/audit';
import type { Database, Queryable } from '../db/database';
import { GENESIS_HASH, rowHash } from './chain';

interface Head {
  seq: number | string;
  hash: string | null;
  sealed_seq: number | string;
}

function isDatabase(db: Queryable): db is Database {
  return typeof (db as Partial<Database>).transaction === 'function';
}

/**
 * Appends one row to the hash-chained audit log. The chain head is locked FOR UPDATE in the caller's
 * transaction, so appends from any number of gateway processes on one PostgreSQL are serialised and each
 * row links to the one committed before it; a rolled back append rolls the head back with it. Given the
 * database rather than a transaction, the append runs in a transaction of its own (a lock outside one would
 * be released at once).
 */
export async function appendAudit(db: Queryable, e: AuditEntry): Promise<void> {
  if (isDatabase(db)) return db.transaction((tx) => appendLocked(tx, e));
  return appendLocked(db, e);
}

const AUDIT_COLUMNS = `at, event, terminal_id, session_id, issuance_id, card_id, resident_id, serial, code,
  reservation_id, pin_reset_id, pin_kind, operator_id, subject_id`;

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

type AuditRow = Record<string, unknown> & { id: number | string };

/**
 * Two statements per append. The first locks the head and inserts the row linked to it in one go; when
 * rows written before migration 0006 are still unsealed it inserts nothing (the head stays locked) and the
 * long path seals them first. The second stores the row's hash and moves the head.
 */
async function appendLocked(tx: Queryable, e: AuditEntry): Promise<void> {
  const [fast] = await tx.query<AuditRow>(
    `WITH head AS (SELECT seq, hash, sealed_seq FROM audit_chain_head WHERE id = 1 FOR UPDATE)
     INSERT INTO audit_log (${AUDIT_COLUMNS}, seq, prev_hash)
     SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, head.seq + 1,
       coalesce(head.hash, '${GENESIS_HASH}')
     FROM head WHERE head.sealed_seq = head.seq
     RETURNING *`,
    auditValues(e),
  );
  const row = fast ?? (await appendAfterSealing(tx, e));
  // Hashed over the row as stored (RETURNING *): exactly what the verifier will read back.
  const hash = rowHash(String(row.prev_hash), row);
  await tx.query(
    `WITH linked AS (UPDATE audit_log SET hash = $2 WHERE id = $1)
     UPDATE audit_chain_head SET seq = $3, hash = $2, sealed_seq = $3 WHERE id = 1`,
    [row.id, hash, row.seq],
  );
}

/** The long path: the head is read (and locked) again, pending rows are sealed, then the row is inserted. */
async function appendAfterSealing(tx: Queryable, e: AuditEntry): Promise<AuditRow> {
  const [head] = await tx.query<Head>(
    'SELECT seq, hash, sealed_seq FROM audit_chain_head WHERE id = 1 FOR UPDATE',
  );
  if (!head) throw new Error('audit_chain_head missing: migration 0006 not applied');
  let prev = head.hash ?? GENESIS_HASH;
  if (Number(head.sealed_seq) < Number(head.seq)) prev = await sealPending(tx, Number(head.sealed_seq), prev);
  const [row] = await tx.query<AuditRow>(
    `INSERT INTO audit_log (${AUDIT_COLUMNS}, seq, prev_hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
     RETURNING *`,
    [...auditValues(e), Number(head.seq) + 1, prev],
  );
  if (!row) throw new Error('audit insert returned no row');
  return row;
}

/**
 * Rows written before migration 0006 carry a seq but no hash: chain them, in seq order, before the first new
 * append (under the same lock). Returns the hash of the last one.
 */
async function sealPending(tx: Queryable, sealedSeq: number, prevHash: string): Promise<string> {
  let prev = prevHash;
  const rows = await tx.query<Record<string, unknown> & { id: number | string }>(
    'SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq',
    [sealedSeq],
  );
  for (const row of rows) {
    const hash = rowHash(prev, row);
    await tx.query('UPDATE audit_log SET prev_hash = $2, hash = $3 WHERE id = $1', [row.id, prev, hash]);
    prev = hash;
  }
  return prev;
}
