import type { Queryable } from '../db/database';
import { findTerminals, type TerminalStanding } from '../db/terminals';

interface Waiter {
  resolve(standing: TerminalStanding | null): void;
  reject(error: unknown): void;
}

/**
 * Looks terminals up for authentication, one query for all the lookups asked for in the same turn of the
 * event loop. Every kiosk request needs one; under load many arrive together, and one `id = ANY(…)` query
 * replaces as many round trips. Nothing is cached: each lookup is answered by a query issued after it was
 * asked, so a revocation committed before a request arrived refuses that request.
 */
export function batchedTerminalLookup(
  db: Queryable,
): (terminalId: string) => Promise<TerminalStanding | null> {
  let batch: { id: string; waiter: Waiter }[] | null = null;

  const flush = async (asked: { id: string; waiter: Waiter }[]): Promise<void> => {
    try {
      const found = await findTerminals(db, [...new Set(asked.map((a) => a.id))]);
      for (const { id, waiter } of asked) waiter.resolve(found.get(id) ?? null);
    } catch (error) {
      for (const { waiter } of asked) waiter.reject(error);
    }
  };

  return (terminalId) =>
    new Promise((resolve, reject) => {
      if (!batch) {
        const asked: { id: string; waiter: Waiter }[] = [];
        batch = asked;
        setImmediate(() => {
          batch = null;
          void flush(asked);
        });
      }
      batch.push({ id: terminalId, waiter: { resolve, reject } });
    });
}
