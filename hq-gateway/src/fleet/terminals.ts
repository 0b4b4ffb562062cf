import type { TerminalDeviceStatus } from '../api/schemas';
import type { Queryable } from '../db/database';
import { ALERT_COLUMNS, ALERT_RULES, toAlert } from './alerts';
import type {
  Alert,
  AlertKind,
  StateCounts,
  TerminalState,
  TerminalSummary,
  TimelineEvent,
} from './ops-schemas';
import { parseJson } from './status';

/**
 * What operators read about terminals. The state is derived in SQL, in this one place, so that filtering,
 * counting and the live events agree: offline > jam > paperOut > error > online. "error" gathers what stops
 * service without being a paper problem: reader unavailable, printer cover open/offline, payment unavailable,
 * or staff took the kiosk out of service.
 */
const SUMMARIES = `
WITH t AS (
  SELECT t.id, t.name, t.last_seen_at, s.status, s.updated_at AS status_updated_at,
    COALESCE(t.last_seen_at >= $1::timestamptz - make_interval(secs => ${ALERT_RULES.offlineAfterMs / 1000}), false)
      AS online
  FROM terminals t LEFT JOIN terminal_status s ON s.terminal_id = t.id
  WHERE t.revoked_at IS NULL
)
SELECT t.*, CASE
    WHEN NOT online THEN 'offline'
    WHEN status->>'printer' = 'jam' THEN 'jam'
    WHEN status->>'printer' = 'paperOut' OR status->>'paperLevel' = 'out' THEN 'paperOut'
    WHEN status->>'reader' = 'unavailable' OR status->>'printer' IN ('coverOpen', 'offline')
      OR status->>'payment' = 'unavailable' OR status->>'outOfService' = 'true' THEN 'error'
    ELSE 'online' END AS state
FROM t`;

/** A summary's open alerts (`s`: a row of SUMMARIES). */
const OPEN_ALERTS = `(SELECT json_agg(json_build_object('id', a.id::text, 'kind', a.kind,
    'acknowledged', a.acknowledged_at IS NOT NULL) ORDER BY a.opened_at)
  FROM alerts a WHERE a.terminal_id = s.id AND a.closed_at IS NULL) AS open_alerts`;

interface SummaryRow {
  id: string;
  name: string;
  last_seen_at: Date | null;
  status: TerminalDeviceStatus | string | null;
  status_updated_at: Date | null;
  online: boolean;
  state: TerminalState;
  open_alerts: { id: number | string; kind: AlertKind; acknowledged: boolean }[] | string | null;
  total?: number;
}

function iso(value: Date | null): string | null {
  return value && new Date(value).toISOString();
}

function toSummary(row: SummaryRow): TerminalSummary {
  return {
    id: row.id,
    name: row.name,
    state: row.state,
    online: row.online,
    lastSeenAt: iso(row.last_seen_at),
    status: row.status === null ? null : parseJson(row.status),
    statusUpdatedAt: iso(row.status_updated_at),
    openAlerts: (row.open_alerts === null ? [] : parseJson(row.open_alerts)).map((a) => ({
      id: String(a.id),
      kind: a.kind,
      acknowledged: a.acknowledged,
    })),
  };
}

export interface TerminalFilter {
  state?: TerminalState;
  q?: string;
  limit: number;
  offset: number;
}

/** Terminals with their latest status, online flag and open alerts, ordered by id. */
export async function listTerminals(
  db: Queryable,
  now: Date,
  filter: TerminalFilter,
): Promise<{ terminals: TerminalSummary[]; total: number }> {
  const pattern = filter.q ? `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const rows = await db.query<SummaryRow>(
    `SELECT s.*, count(*) OVER ()::int AS total,
       ${OPEN_ALERTS}
     FROM (${SUMMARIES}) s
     WHERE ($2::text IS NULL OR s.state = $2) AND ($3::text IS NULL OR s.id ILIKE $3 OR s.name ILIKE $3)
     ORDER BY s.id LIMIT $4 OFFSET $5`,
    [now.toISOString(), filter.state ?? null, pattern, filter.limit, filter.offset],
  );
  return { terminals: rows.map(toSummary), total: rows[0]?.total ?? 0 };
}

export async function terminalSummary(
  db: Queryable,
  now: Date,
  terminalId: string,
): Promise<TerminalSummary | null> {
  // Its own statement (not listTerminals with an id filter): it runs on every status change, and a prepared
  // plan keyed on the id reads one terminal, where the list's optional filters would read the fleet.
  const rows = await db.query<SummaryRow>(
    `SELECT s.*,
       ${OPEN_ALERTS}
     FROM (${SUMMARIES}) s WHERE s.id = $2`,
    [now.toISOString(), terminalId],
  );
  return rows[0] ? toSummary(rows[0]) : null;
}

export async function countByState(db: Queryable, now: Date): Promise<StateCounts> {
  const rows = await db.query<{ state: TerminalState; n: number }>(
    `SELECT state, count(*)::int AS n FROM (${SUMMARIES}) s GROUP BY state`,
    [now.toISOString()],
  );
  const counts: StateCounts = { online: 0, offline: 0, jam: 0, paperOut: 0, error: 0 };
  for (const row of rows) counts[row.state] = row.n;
  return counts;
}

/** Status history newest first; `before` is an event id from the previous page. */
export async function timeline(
  db: Queryable,
  terminalId: string,
  page: { before?: string; limit: number },
): Promise<{ events: TimelineEvent[]; nextBefore: string | null }> {
  const rows = await db.query<{
    id: number | string;
    kind: 'snapshot' | 'change';
    at: Date;
    fields: TimelineEvent['fields'] | string;
  }>(
    `SELECT id, kind, at, fields FROM status_events
     WHERE terminal_id = $1 AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
    [terminalId, page.before ?? null, page.limit + 1],
  );
  const events = rows.slice(0, page.limit).map((row) => ({
    id: String(row.id),
    kind: row.kind,
    at: new Date(row.at).toISOString(),
    fields: parseJson(row.fields),
  }));
  return { events, nextBefore: rows.length > page.limit ? (events.at(-1)?.id ?? null) : null };
}

/** A terminal's alerts, open and closed, newest first. */
export async function terminalAlerts(db: Queryable, terminalId: string, limit: number): Promise<Alert[]> {
  const rows = await db.query<Parameters<typeof toAlert>[0]>(
    `SELECT ${ALERT_COLUMNS} FROM alerts WHERE terminal_id = $1 ORDER BY opened_at DESC, id DESC LIMIT $2`,
    [terminalId, limit],
  );
  return rows.map(toAlert);
}
