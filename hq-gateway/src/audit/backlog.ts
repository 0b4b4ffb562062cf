import type { Queryable } from '../db/database';

export interface AuditBacklog {
  /** Rows appended but not yet chained (seq NULL). */
  rows: number;
  /** Age of the oldest of them at `now`, in seconds; 0 when there are none. */
  oldestSeconds: number;
}

/**
 * What the sealers have not chained yet. Normally a few hundred milliseconds' worth: rows older than a few
 * seconds mean no gateway is sealing (each failure is logged as `audit.seal_failed`), and until they are
 * chained, an edit to them would not show. Reads the partial index of unsealed rows only.
 */
export async function auditBacklog(db: Queryable, now: Date): Promise<AuditBacklog> {
  const [row] = await db.query<{ rows: number; oldest: Date | null }>(
    'SELECT count(*)::int AS rows, min(at) AS oldest FROM audit_log WHERE seq IS NULL',
  );
  const oldest = row?.oldest ? new Date(row.oldest).getTime() : null;
  return {
    rows: row?.rows ?? 0,
    oldestSeconds: oldest === null ? 0 : Math.max(0, (now.getTime() - oldest) / 1000),
  };
}
