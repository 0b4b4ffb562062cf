import type { Queryable } from '../db/database';
import { findTerminals, type TerminalStanding } from '../db/terminals';

/** One lookup asked for, waiting for its batch's query. */
interface Asked {
  id: string;
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
  let batch: Asked[] | null = null;

  const flush = async (asked: Asked[]): Promise<void> => {
    try {
      const found = await findTerminals(db, [...new Set(asked.map((a) => a.id))]);
      for (const a of asked) a.resolve(found.get(a.id) ?? null);
    } catch (error) {
      for (const a of asked) a.reject(error);
    }
  };

  return (terminalId) =>
    new Promise((resolve, reject) => {
      if (!batch) {
        const asked: Asked[] = [];
        batch = asked;
        setImmediate(() => {
          batch = null;
          void flush(asked);
        });
      }
      batch.push({ id: terminalId, resolve, reject });
    });
}
