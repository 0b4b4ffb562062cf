import type { Queryable } from '../db/database';
import { findTerminals } from '../db/terminals';

export type TerminalState = { certSha256: string | null; revoked: boolean } | null;

/**
 * Looks terminals up for authentication, one query for all the lookups asked for in the same turn of the
 * event loop. Every kiosk request needs one; under load many arrive together, and one `id = ANY(…)` query
 * replaces as many round trips. Nothing is cached: each lookup is answered by a query issued after it was
 * asked, so a revocation committed before a request arrived refuses that request.
 */
export function batchedTerminalLookup(db: Queryable): (terminalId: string) => Promise<TerminalState> {
  let pending: Map<string, ((state: TerminalState) => void)[]> | null = null;
  let failures: ((error: unknown) => void)[] = [];

  const flush = async (): Promise<void> => {
    const batch = pending!;
    const rejects = failures;
    pending = null;
    failures = [];
    try {
      const found = await findTerminals(db, [...batch.keys()]);
      for (const [id, resolvers] of batch) for (const resolve of resolvers) resolve(found.get(id) ?? null);
    } catch (error) {
      for (const reject of rejects) reject(error);
    }
  };

  return (terminalId) =>
    new Promise<TerminalState>((resolve, reject) => {
      if (!pending) {
        pending = new Map();
        setImmediate(() => void flush());
      }
      const waiting = pending.get(terminalId);
      if (waiting) waiting.push(resolve);
      else pending.set(terminalId, [resolve]);
      failures.push(reject);
    });
}
