import { auditTerminalRevoked } from '../audit/events';
import type { Database } from '../db/database';
import { revokeTerminalRecord } from '../db/terminals';

/**
 * Revokes a terminal: from the next request on, its certificate is refused (terminal authentication reads
 * the database on every request, so there is no cache to invalidate and a resumed TLS session or a kept-alive
 * connection gains nothing). Returns false when the terminal is unknown or already revoked.
 */
export function revokeTerminal(
  db: Database,
  terminalId: string,
  now: Date = new Date(),
  operatorId?: string,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const done = await revokeTerminalRecord(tx, terminalId, now);
    // Audited in the same transaction, whoever revoked (ops API, CLI).
    if (done) await auditTerminalRevoked(tx, { terminalId, at: now, ...(operatorId && { operatorId }) });
    return done;
  });
}
