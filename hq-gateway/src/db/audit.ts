import type { PinKind } from '../api/schemas';
import type { Queryable } from './database';

export type AuditEvent =
  | 'session.opened'
  | 'session.refused'
  | 'issuance.created'
  | 'issuance.copy_printed'
  | 'issuance.copy_spoiled'
  | 'issuance.copy_replaced'
  | 'pinreset.reservation_created'
  | 'pinreset.reservation_refused'
  | 'pinreset.reservations_listed'
  | 'pinreset.list_refused'
  | 'pinreset.reservation_cancelled'
  | 'pinreset.cancel_refused'
  | 'pinreset.claimed'
  | 'pinreset.claim_refused'
  | 'pinreset.token_issued'
  | 'pinreset.token_refused'
  | 'pinreset.outcome_reset'
  | 'pinreset.outcome_not_reset'
  | 'pinreset.outcome_refused';

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
  reservationId?: string;
  pinResetId?: string;
  /** Which PIN a reset concerns (never the PIN itself). */
  pinKind?: PinKind;
}

export async function appendAudit(db: Queryable, e: AuditEntry): Promise<void> {
  await db.query(
    `INSERT INTO audit_log (at, event, terminal_id, session_id, issuance_id, card_id, resident_id, serial, code,
       reservation_id, pin_reset_id, pin_kind)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
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
    ],
  );
}
