import type { PinKind } from '../api/schemas';

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
  | 'pinreset.outcome_refused'
  | 'operator.login_ok'
  | 'operator.login_failed'
  | 'operator.login_locked'
  | 'operator.logout'
  | 'operator.created'
  | 'operator.updated'
  | 'operator.deleted'
  | 'staffcode.set'
  | 'staffcode.removed'
  | 'terminal.enrollment_code_created'
  | 'terminal.enrolled'
  | 'terminal.revoked';

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
  /** The HQ operator who acted (ops API); never a username or password. */
  operatorId?: string;
  /** The operator an admin action concerns (created, updated, deleted). */
  subjectId?: string;
}

/**
 * Appends one row to the hash-chained audit log (see audit/append.ts): pass the transaction the audited change
 * runs in, or the database to append in a transaction of its own.
 */
export { appendAudit } from '../audit/append';
