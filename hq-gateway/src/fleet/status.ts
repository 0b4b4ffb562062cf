import type { Database } from '../db/database';
import type { StatusReport, TerminalDeviceStatus } from '../api/schemas';

/**
 * A terminal's device status: a snapshot replaces what HQ holds, a change is merged into it; both are
 * kept as history. A change with no snapshot to merge into is not applied (the kiosk then sends one).
 */
export async function recordStatus(
  db: Database,
  terminalId: string,
  report: StatusReport,
  at: Date,
): Promise<{ applied: boolean }> {
  return db.transaction(async (tx) => {
    if (report.kind === 'snapshot') {
      await tx.query(
        `INSERT INTO terminal_status (terminal_id, status, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (terminal_id) DO UPDATE SET status = EXCLUDED.status, updated_at = EXCLUDED.updated_at`,
        [terminalId, JSON.stringify(report.status), at.toISOString()],
      );
    } else {
      const updated = await tx.query(
        `UPDATE terminal_status SET status = status || $2::jsonb, updated_at = $3 WHERE terminal_id = $1
         RETURNING terminal_id`,
        [terminalId, JSON.stringify(report.fields), at.toISOString()],
      );
      if (updated.length === 0) return { applied: false };
    }
    await tx.query('INSERT INTO status_events (terminal_id, kind, fields, at) VALUES ($1, $2, $3, $4)', [
      terminalId,
      report.kind,
      JSON.stringify(report.kind === 'snapshot' ? report.status : report.fields),
      at.toISOString(),
    ]);
    return { applied: true };
  });
}

export async function latestStatus(db: Database, terminalId: string): Promise<TerminalDeviceStatus | null> {
  const rows = await db.query<{ status: TerminalDeviceStatus | string }>(
    'SELECT status FROM terminal_status WHERE terminal_id = $1',
    [terminalId],
  );
  const status = rows[0]?.status;
  if (status === undefined) return null;
  // PGlite parses jsonb; node-postgres does too, but be tolerant of text.
  return typeof status === 'string' ? (JSON.parse(status) as TerminalDeviceStatus) : status;
}
