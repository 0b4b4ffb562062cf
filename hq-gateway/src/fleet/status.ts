import type { Database, Queryable } from '../db/database';
import type { StatusReport, TerminalDeviceStatus } from '../api/schemas';

export interface RecordedStatus {
  /** false when HQ holds no snapshot to apply a change or heartbeat to (the kiosk then sends one). */
  applied: boolean;
  /** The terminal's last contact before this one (null: never seen), to tell when it came back online. */
  previousSeenAt: Date | null;
}

/**
 * A terminal's device status: a snapshot replaces what HQ holds, a change is merged into it; both are
 * kept as history. A heartbeat only records that the terminal is alive (no history row). Every report
 * moves `terminals.last_seen_at`, from which "offline" is derived.
 */
export async function recordStatus(
  db: Database,
  terminalId: string,
  report: StatusReport,
  at: Date,
): Promise<RecordedStatus> {
  return db.transaction(async (tx) => {
    const previousSeenAt = await touchTerminal(tx, terminalId, at);
    if (report.kind === 'heartbeat') {
      const held = await tx.query('SELECT 1 FROM terminal_status WHERE terminal_id = $1', [terminalId]);
      return { applied: held.length > 0, previousSeenAt };
    }
    if (report.kind === 'snapshot') {
      await tx.query(
        `INSERT INTO terminal_status (terminal_id, status, updated_at, jam_since)
         VALUES ($1, $2, $3, CASE WHEN $2::jsonb->>'printer' = 'jam' THEN $3::timestamptz END)
         ON CONFLICT (terminal_id) DO UPDATE SET status = EXCLUDED.status, updated_at = EXCLUDED.updated_at,
           jam_since = CASE WHEN EXCLUDED.status->>'printer' <> 'jam' THEN NULL
                            ELSE COALESCE(terminal_status.jam_since, EXCLUDED.updated_at) END`,
        [terminalId, JSON.stringify(report.status), at.toISOString()],
      );
    } else {
      // jam_since keeps the start of a jam across changes that leave the printer jammed.
      const updated = await tx.query(
        `UPDATE terminal_status SET status = status || $2::jsonb, updated_at = $3,
           jam_since = CASE WHEN (status || $2::jsonb)->>'printer' <> 'jam' THEN NULL
                            ELSE COALESCE(jam_since, $3::timestamptz) END
         WHERE terminal_id = $1
         RETURNING terminal_id`,
        [terminalId, JSON.stringify(report.fields), at.toISOString()],
      );
      if (updated.length === 0) return { applied: false, previousSeenAt };
    }
    await tx.query('INSERT INTO status_events (terminal_id, kind, fields, at) VALUES ($1, $2, $3, $4)', [
      terminalId,
      report.kind,
      JSON.stringify(report.kind === 'snapshot' ? report.status : report.fields),
      at.toISOString(),
    ]);
    return { applied: true, previousSeenAt };
  });
}

/** Sets last_seen_at and returns the value it replaced. */
async function touchTerminal(tx: Queryable, terminalId: string, at: Date): Promise<Date | null> {
  const rows = await tx.query<{ previous: Date | null }>(
    `UPDATE terminals t SET last_seen_at = $2 FROM (SELECT last_seen_at FROM terminals WHERE id = $1 FOR UPDATE) p
     WHERE t.id = $1 RETURNING p.last_seen_at AS previous`,
    [terminalId, at.toISOString()],
  );
  return rows[0]?.previous ?? null;
}

export async function latestStatus(db: Queryable, terminalId: string): Promise<TerminalDeviceStatus | null> {
  const rows = await db.query<{ status: TerminalDeviceStatus | string }>(
    'SELECT status FROM terminal_status WHERE terminal_id = $1',
    [terminalId],
  );
  const status = rows[0]?.status;
  if (status === undefined) return null;
  return parseJson<TerminalDeviceStatus>(status);
}

/** PGlite and node-postgres both parse jsonb; be tolerant of text all the same. */
export function parseJson<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}
