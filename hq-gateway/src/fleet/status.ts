import type { Queryable } from '../db/database';
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
 *
 * Each kind is one statement (data-modifying CTEs): heartbeats are the fleet's most frequent request, and
 * BEGIN, three statements and COMMIT were five round trips where one does the same atomically.
 */
export async function recordStatus(
  db: Queryable,
  terminalId: string,
  report: StatusReport,
  at: Date,
): Promise<RecordedStatus> {
  const when = at.toISOString();
  let rows: { previous: Date | null; applied: boolean }[];
  if (report.kind === 'heartbeat') {
    rows = await db.query(
      `WITH ${TOUCH}
       SELECT (SELECT previous FROM touched) AS previous,
         EXISTS (SELECT 1 FROM terminal_status WHERE terminal_id = $1) AS applied`,
      [terminalId, when],
    );
  } else if (report.kind === 'snapshot') {
    rows = await db.query(
      `WITH ${TOUCH},
       stored AS (
         INSERT INTO terminal_status (terminal_id, status, updated_at, jam_since)
         VALUES ($1, $3, $2, CASE WHEN $3::jsonb->>'printer' = 'jam' THEN $2::timestamptz END)
         ON CONFLICT (terminal_id) DO UPDATE SET status = EXCLUDED.status, updated_at = EXCLUDED.updated_at,
           jam_since = CASE WHEN EXCLUDED.status->>'printer' <> 'jam' THEN NULL
                            ELSE COALESCE(terminal_status.jam_since, EXCLUDED.updated_at) END
         RETURNING terminal_id),
       ${HISTORY('snapshot')}
       SELECT (SELECT previous FROM touched) AS previous, EXISTS (SELECT 1 FROM stored) AS applied`,
      [terminalId, when, JSON.stringify(report.status)],
    );
  } else {
    // jam_since keeps the start of a jam across changes that leave the printer jammed. No snapshot held:
    // nothing is stored, and the kiosk is told to send one.
    rows = await db.query(
      `WITH ${TOUCH},
       stored AS (
         UPDATE terminal_status SET status = status || $3::jsonb, updated_at = $2,
           jam_since = CASE WHEN (status || $3::jsonb)->>'printer' <> 'jam' THEN NULL
                            ELSE COALESCE(jam_since, $2::timestamptz) END
         WHERE terminal_id = $1
         RETURNING terminal_id),
       ${HISTORY('change')}
       SELECT (SELECT previous FROM touched) AS previous, EXISTS (SELECT 1 FROM stored) AS applied`,
      [terminalId, when, JSON.stringify(report.fields)],
    );
  }
  const row = rows[0];
  return { applied: row?.applied ?? false, previousSeenAt: row?.previous ?? null };
}

/** $1 terminal, $2 at: sets last_seen_at and returns the value it replaced, as `touched.previous`. */
const TOUCH = `touched AS (
  UPDATE terminals t SET last_seen_at = $2
  FROM (SELECT last_seen_at FROM terminals WHERE id = $1 FOR UPDATE) p
  WHERE t.id = $1 RETURNING p.last_seen_at AS previous)`;

/** $1 terminal, $2 at, $3 fields: the history row, written only when the status was stored. */
const HISTORY = (kind: 'snapshot' | 'change') => `history AS (
  INSERT INTO status_events (terminal_id, kind, fields, at)
  SELECT $1, '${kind}', $3, $2 FROM stored)`;

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
