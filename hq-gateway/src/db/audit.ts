import type { Queryable } from './database';

export type AuditEvent =
  | 'session.opened'
  | 'session.refused'
  | 'issuance.created'
  | 'issuance.copy_printed'
  | 'issuance.copy_spoiled';

/** Ids and codes only. There is deliberately no free-text field: nothing personal can be written here. */
export interface AuditEntry {
  event: AuditEvent;
  at: Date;
  terminalId?: string;
  sessionId?: string;
  issuanceId?: string;
  cardId?: string;
  residentId?: string;
  serial?: string;
  code?: string;
}

export async function appendAudit(db: Queryable, e: AuditEntry): Promise<void> {
  await db.query(
    `INSERT INTO audit_log (at, event, terminal_id, session_id, issuance_id, card_id, resident_id, serial, code)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
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
    ],
  );
}
