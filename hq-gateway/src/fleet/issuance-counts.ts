import type { Queryable } from '../db/database';
import type { HourlyIssuances } from './ops-schemas';

const HOUR_MS = 3_600_000;

function startOfHour(at: Date): Date {
  return new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
}

/**
 * Issuances created and copies printed per hour, for the `hours` hours up to and including the current one,
 * oldest first, zero-filled. Hours are UTC-aligned instants (Japan's offset is whole hours, so they are
 * also JST hours). Two grouped scans rather than one query per hour.
 */
export async function hourlyIssuances(db: Queryable, now: Date, hours: number): Promise<HourlyIssuances[]> {
  const end = new Date(startOfHour(now).getTime() + HOUR_MS);
  const start = new Date(end.getTime() - hours * HOUR_MS);
  const range = [start.toISOString(), end.toISOString()];
  // Epoch arithmetic keeps the bucketing independent of the session's time zone.
  const bucket = (column: string) => `(floor(extract(epoch FROM ${column}) / 3600) * 3600)::bigint::text`;
  const [issuances, copies] = await Promise.all([
    db.query<{ hour: string; n: number }>(
      `SELECT ${bucket('created_at')} AS hour, count(*)::int AS n FROM issuances
       WHERE created_at >= $1 AND created_at < $2 GROUP BY 1`,
      range,
    ),
    db.query<{ hour: string; n: number }>(
      `SELECT ${bucket('status_changed_at')} AS hour, count(*)::int AS n FROM issuance_copies
       WHERE status = 'printed' AND status_changed_at >= $1 AND status_changed_at < $2 GROUP BY 1`,
      range,
    ),
  ]);
  const byHour = (rows: { hour: string; n: number }[]) =>
    new Map(rows.map((r) => [Number(r.hour) * 1000, r.n] as const));
  const issued = byHour(issuances);
  const printed = byHour(copies);
  const result: HourlyIssuances[] = [];
  for (let t = start.getTime(); t < end.getTime(); t += HOUR_MS) {
    result.push({
      hour: new Date(t).toISOString(),
      issuances: issued.get(t) ?? 0,
      copiesPrinted: printed.get(t) ?? 0,
    });
  }
  return result;
}
