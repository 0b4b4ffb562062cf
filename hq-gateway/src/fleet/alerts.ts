import type { Database, Queryable } from '../db/database';
import type { Alert, AlertKind } from './ops-schemas';

/**
 * Alert rules. Each rule is a SQL query for the terminals on which its condition holds now; evaluation
 * opens an alert where it holds and none is open, and closes open alerts where it no longer holds. Set-based
 * so one sweep covers the whole fleet in a few statements, and safe with several gateways sweeping at once:
 * the unique partial index (one open alert per terminal and kind) lets exactly one INSERT win, and a closing
 * UPDATE returns the row to exactly one of them — so each change is published once.
 *
 * Authentication failures are counted from HQ's own audit log (`session.refused`), not from the kiosk's
 * counters: the rule then rests on what HQ verified itself, and survives agent restarts (which reset
 * counters). PIN failures stay on the card and never reach HQ, so they are not counted.
 */

export const ALERT_RULES = {
  offlineAfterMs: 60_000,
  jamAfterMs: 5 * 60_000,
  authFailures: 3,
  authWindowMs: 10 * 60_000,
  /** A customer's refund left unpaid at the counter this long: the store has to be reminded. */
  refundOwedAfterMs: 24 * 60 * 60_000,
} as const;

/** $1 = now (timestamptz). Each returns the terminal ids on which the condition holds. */
const FIRING: Record<AlertKind, string> = {
  offline: `SELECT id AS terminal_id FROM terminals
            WHERE revoked_at IS NULL AND last_seen_at IS NOT NULL
              AND last_seen_at < $1::timestamptz - make_interval(secs => ${ALERT_RULES.offlineAfterMs / 1000})`,
  jam: `SELECT terminal_id FROM terminal_status
        WHERE status->>'printer' = 'jam'
          AND jam_since <= $1::timestamptz - make_interval(secs => ${ALERT_RULES.jamAfterMs / 1000})`,
  paperOut: `SELECT terminal_id FROM terminal_status
             WHERE status->>'printer' = 'paperOut' OR status->>'paperLevel' = 'out'`,
  readerUnavailable: `SELECT terminal_id FROM terminal_status WHERE status->>'reader' = 'unavailable'`,
  refundOwed: `SELECT terminal_id FROM terminal_status
               WHERE (status->'owedRefunds'->>'oldestAt')::timestamptz
                     <= $1::timestamptz - make_interval(secs => ${ALERT_RULES.refundOwedAfterMs / 1000})`,
  authFailures: `SELECT terminal_id FROM audit_log
                 WHERE event = 'session.refused' AND terminal_id IS NOT NULL
                   AND at > $1::timestamptz - make_interval(secs => ${ALERT_RULES.authWindowMs / 1000})
                   AND at <= $1::timestamptz
                 GROUP BY terminal_id HAVING count(*) >= ${ALERT_RULES.authFailures}`,
};

export const ALERT_KINDS = Object.keys(FIRING) as AlertKind[];

export interface AlertChange {
  action: 'opened' | 'closed' | 'acked';
  alert: Alert;
}

interface AlertRow {
  id: number | string;
  terminal_id: string;
  kind: AlertKind;
  opened_at: Date;
  closed_at: Date | null;
  acknowledged_by: string | null;
  acknowledged_at: Date | null;
}

export const ALERT_COLUMNS = 'id, terminal_id, kind, opened_at, closed_at, acknowledged_by, acknowledged_at';

export function toAlert(row: AlertRow): Alert {
  return {
    id: String(row.id),
    terminalId: row.terminal_id,
    kind: row.kind,
    openedAt: new Date(row.opened_at).toISOString(),
    closedAt: row.closed_at && new Date(row.closed_at).toISOString(),
    acknowledgedBy: row.acknowledged_by,
    acknowledgedAt: row.acknowledged_at && new Date(row.acknowledged_at).toISOString(),
  };
}

/**
 * Applies every rule at `now`, for one terminal (after its status report) or for the whole fleet (the
 * sweep). Returns what changed, oldest first.
 */
export async function evaluateAlerts(db: Database, now: Date, terminalId?: string): Promise<AlertChange[]> {
  if (terminalId !== undefined) return evaluateTerminal(db, now, terminalId);
  const changes: AlertChange[] = [];
  for (const kind of ALERT_KINDS) {
    changes.push(...(await evaluateRule(db, kind, now)));
  }
  return changes;
}

/**
 * Every rule for one terminal in one statement: it runs on each of the terminal's status changes, where ten
 * round trips (open and close, per rule) were most of the report's cost. Within a rule, opening (firing, no
 * open alert) and closing (open alert, not firing) exclude each other, so the statement's CTEs never touch
 * the same row. Changes come back as evaluateRule gives them: per rule, closed then opened.
 */
async function evaluateTerminal(db: Queryable, now: Date, terminalId: string): Promise<AlertChange[]> {
  const rows = await db.query<AlertRow & { action: 'closed' | 'opened' }>(TERMINAL_RULES, [
    now.toISOString(),
    terminalId,
  ]);
  return rows.map((row) => ({ action: row.action, alert: toAlert(row) }));
}

/** $1 now, $2 terminal: see evaluateTerminal. Built once; the kinds are this module's own constants. */
const TERMINAL_RULES = (() => {
  const ctes = ALERT_KINDS.flatMap((kind, i) => [
    `closed${i} AS (
       UPDATE alerts SET closed_at = $1
       WHERE closed_at IS NULL AND kind = '${kind}' AND terminal_id = $2
         AND NOT EXISTS (SELECT 1 FROM (${FIRING[kind]}) f WHERE f.terminal_id = alerts.terminal_id)
       RETURNING ${ALERT_COLUMNS})`,
    `opened${i} AS (
       INSERT INTO alerts (terminal_id, kind, opened_at)
       SELECT f.terminal_id, '${kind}', $1 FROM (${FIRING[kind]}) f WHERE f.terminal_id = $2
       ON CONFLICT (terminal_id, kind) WHERE closed_at IS NULL DO NOTHING
       RETURNING ${ALERT_COLUMNS})`,
  ]);
  const selects = ALERT_KINDS.flatMap((_, i) => [
    `SELECT ${2 * i} AS position, 'closed' AS action, * FROM closed${i}`,
    `SELECT ${2 * i + 1}, 'opened', * FROM opened${i}`,
  ]);
  return `WITH ${ctes.join(',\n')}
     ${selects.join('\nUNION ALL ')}
     ORDER BY position`;
})();

/** One rule over the whole fleet (the sweep). */
async function evaluateRule(db: Queryable, kind: AlertKind, now: Date): Promise<AlertChange[]> {
  const params = [now.toISOString(), kind];
  const opened = await db.query<AlertRow>(
    `INSERT INTO alerts (terminal_id, kind, opened_at)
     SELECT f.terminal_id, $2, $1 FROM (${FIRING[kind]}) f
     ON CONFLICT (terminal_id, kind) WHERE closed_at IS NULL DO NOTHING
     RETURNING ${ALERT_COLUMNS}`,
    params,
  );
  const closed = await db.query<AlertRow>(
    `UPDATE alerts SET closed_at = $1
     WHERE closed_at IS NULL AND kind = $2
       AND NOT EXISTS (SELECT 1 FROM (${FIRING[kind]}) f WHERE f.terminal_id = alerts.terminal_id)
     RETURNING ${ALERT_COLUMNS}`,
    params,
  );
  return [
    ...closed.map((row) => ({ action: 'closed' as const, alert: toAlert(row) })),
    ...opened.map((row) => ({ action: 'opened' as const, alert: toAlert(row) })),
  ];
}

export type AckResult = { ok: true; change: AlertChange } | { ok: false; reason: 'notFound' };

/** Acknowledges an alert (open or closed); a second acknowledgement keeps the first one's operator. */
export async function acknowledgeAlert(
  db: Queryable,
  alertId: string,
  operatorId: string,
  now: Date,
): Promise<AckResult> {
  if (!/^\d{1,18}$/.test(alertId)) return { ok: false, reason: 'notFound' };
  const rows = await db.query<AlertRow>(
    `UPDATE alerts SET acknowledged_by = COALESCE(acknowledged_by, $2),
       acknowledged_at = COALESCE(acknowledged_at, $3)
     WHERE id = $1 RETURNING ${ALERT_COLUMNS}`,
    [alertId, operatorId, now.toISOString()],
  );
  const row = rows[0];
  return row
    ? { ok: true, change: { action: 'acked', alert: toAlert(row) } }
    : { ok: false, reason: 'notFound' };
}

export async function listAlerts(
  db: Queryable,
  filter: { open?: boolean; terminalId?: string; limit: number },
): Promise<Alert[]> {
  const rows = await db.query<AlertRow>(
    `SELECT ${ALERT_COLUMNS} FROM alerts
     WHERE ($1::boolean IS NULL OR (closed_at IS NULL) = $1) AND ($2::text IS NULL OR terminal_id = $2)
     ORDER BY opened_at DESC, id DESC LIMIT $3`,
    [filter.open ?? null, filter.terminalId ?? null, filter.limit],
  );
  return rows.map(toAlert);
}
