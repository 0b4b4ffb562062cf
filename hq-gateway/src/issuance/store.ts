import { auditCte } from '../audit/append';
import type { AuditEntry } from '../db/audit';
import type { Queryable } from '../db/database';

/** SQL of issuances and their copies. */

export interface StoredIssuance {
  id: string;
  requestSha256: string;
  /** The exact JSON text answered the first time. */
  response: string;
}

export async function findIssuanceByKey(
  db: Queryable,
  terminalId: string,
  idempotencyKey: string,
): Promise<StoredIssuance | null> {
  const rows = await db.query<{ id: string; request_sha256: string; response: string }>(
    'SELECT id, request_sha256, response FROM issuances WHERE terminal_id = $1 AND idempotency_key = $2',
    [terminalId, idempotencyKey],
  );
  const row = rows[0];
  return row ? { id: row.id, requestSha256: row.request_sha256, response: row.response } : null;
}

export interface NewIssuance {
  id: string;
  terminalId: string;
  sessionId: string;
  idempotencyKey: string;
  requestSha256: string;
  certificateType: string;
  feePerCopyYen: number;
  serials: readonly string[];
  response: string;
  createdAt: Date;
}

/**
 * Inserts the issuance, its copies and its audit row in one statement, unless the terminal already used this
 * idempotency key (a concurrent retry that won the race): then it returns false and writes nothing.
 */
export async function insertIssuance(db: Queryable, i: NewIssuance, audit: AuditEntry): Promise<boolean> {
  const at = i.createdAt.toISOString();
  const audited = auditCte('audited', 'issued', audit, 13);
  const inserted = await db.query(
    `WITH issued AS (
       INSERT INTO issuances (id, terminal_id, session_id, idempotency_key, request_sha256, certificate_type,
         copies, fee_yen, response, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (terminal_id, idempotency_key) DO NOTHING
       RETURNING id),
     copies AS (
       INSERT INTO issuance_copies (serial, issuance_id, copy_index, fee_yen, status, status_changed_at)
       SELECT s.serial, issued.id, s.copy_index, $11, 'issued', $10
       FROM issued, unnest($12::text[]) WITH ORDINALITY AS s (serial, copy_index)),
     ${audited.sql}
     SELECT id FROM issued`,
    [
      i.id,
      i.terminalId,
      i.sessionId,
      i.idempotencyKey,
      i.requestSha256,
      i.certificateType,
      i.serials.length,
      i.feePerCopyYen * i.serials.length,
      i.response,
      at,
      i.feePerCopyYen,
      [...i.serials],
      ...audited.params,
    ],
  );
  return inserted.length > 0;
}

export type CopyStatus = 'issued' | 'printed' | 'spoiled';

export type CopyReport =
  | { ok: true; serial: string; status: CopyStatus; changed: boolean }
  | {
      ok: false;
      code: 'ISSUANCE_NOT_FOUND' | 'COPY_NOT_FOUND' | 'IDEMPOTENCY_CONFLICT';
      current?: CopyStatus;
    };

/**
 * Records that a copy was printed or spoiled. `issued` moves once to a final state; reporting the same final
 * state again is a harmless retry, the other final state is a conflict. Another terminal's issuance is
 * reported as not found.
 */
export async function reportCopy(
  db: Queryable,
  q: { terminalId: string; issuanceId: string; serial: string; status: 'printed' | 'spoiled'; at: Date },
  audit: AuditEntry,
): Promise<CopyReport> {
  // The change and its audit row in one statement; the reads below only explain a report that changed nothing.
  const audited = auditCte('audited', 'reported', audit, 6);
  const updated = await db.query(
    `WITH reported AS (
       UPDATE issuance_copies c SET status = $4, status_changed_at = $5
       FROM issuances i
       WHERE c.serial = $3 AND c.issuance_id = $2 AND i.id = c.issuance_id AND i.terminal_id = $1
         AND c.status = 'issued'
       RETURNING c.serial),
     ${audited.sql}
     SELECT serial FROM reported`,
    [q.terminalId, q.issuanceId, q.serial, q.status, q.at.toISOString(), ...audited.params],
  );
  if (updated.length > 0) return { ok: true, serial: q.serial, status: q.status, changed: true };

  const issuance = await db.query('SELECT 1 FROM issuances WHERE id = $1 AND terminal_id = $2', [
    q.issuanceId,
    q.terminalId,
  ]);
  if (issuance.length === 0) return { ok: false, code: 'ISSUANCE_NOT_FOUND' };
  const copies = await db.query<{ status: CopyStatus }>(
    'SELECT status FROM issuance_copies WHERE serial = $1 AND issuance_id = $2',
    [q.serial, q.issuanceId],
  );
  const copy = copies[0];
  if (!copy) return { ok: false, code: 'COPY_NOT_FOUND' };
  if (copy.status === q.status) return { ok: true, serial: q.serial, status: q.status, changed: false };
  return { ok: false, code: 'IDEMPOTENCY_CONFLICT', current: copy.status };
}
