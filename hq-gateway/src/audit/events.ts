import { appendAudit } from '../db/audit';
import type { Queryable } from '../db/database';

/**
 * Audit helpers for the terminal and operator events, so every caller writes them the same way (ids only).
 * Pass the transaction that enrolls or revokes the terminal, so the audit row commits with it.
 */
export function auditTerminalEnrolled(
  db: Queryable,
  e: { terminalId: string; operatorId?: string; at: Date },
): Promise<void> {
  return appendAudit(db, { event: 'terminal.enrolled', ...e });
}

export function auditTerminalRevoked(
  db: Queryable,
  e: { terminalId: string; operatorId?: string; at: Date },
): Promise<void> {
  return appendAudit(db, { event: 'terminal.revoked', ...e });
}

export { appendAudit };
export type { AuditEntry, AuditEvent } from '../db/audit';
export { verifyAuditChain, type VerifyResult } from './verify';
