import { CertificateType } from '../api/schemas';
import type { Queryable } from '../db/database';
import type { Closure, MaintenanceWindow, Municipality, MunicipalityConfig, ServiceConfig } from './types';

/** SQL of each municipality's kiosk configuration: services (fee, hours), yearly closures, maintenance. */

/** A configuration row: the columns of `configColumns` below. */
export interface ConfigRow {
  c_services: {
    certificate_type: string;
    fee_yen: number;
    opens: string;
    closes: string;
    weekdays_only: boolean;
  }[];
  c_closures: { from_day: string; to_day: string; certificate_type: string | null }[];
  // Inside JSON a timestamptz is ISO 8601 text on both engines.
  c_maintenance: { starts_at: string; ends_at: string; certificate_type: string | null }[];
}

/**
 * The select list of the configuration in force at `now` of the municipality `m` (an alias the caller
 * joins): services, yearly closures, and maintenance windows that have not ended (`now`: an SQL expression).
 * It is read by every session, offer and issuance, so it rides on the statement that reads the resident
 * (issuance/offer-loader.ts) rather than costing one of its own — and it is never stale.
 */
export function configColumns(now: string): string {
  return `coalesce((SELECT json_agg(s) FROM (
         SELECT certificate_type, fee_yen, opens, closes, weekdays_only FROM municipality_services
         WHERE municipality_code = m.code) s), '[]') AS c_services,
       coalesce((SELECT json_agg(c ORDER BY c.id) FROM (
         SELECT id, from_day, to_day, certificate_type FROM municipality_closures
         WHERE municipality_code = m.code) c), '[]') AS c_closures,
       coalesce((SELECT json_agg(w ORDER BY w.starts_at) FROM (
         SELECT starts_at, ends_at, certificate_type FROM maintenance_windows
         WHERE municipality_code = m.code AND ends_at > ${now}) w), '[]') AS c_maintenance`;
}

export function configOf(municipality: Municipality, row: ConfigRow): MunicipalityConfig {
  const order = CertificateType.options;
  return {
    municipality,
    services: row.c_services
      .map((s): ServiceConfig => ({
        type: CertificateType.parse(s.certificate_type),
        feeYen: Number(s.fee_yen),
        opens: s.opens,
        closes: s.closes,
        weekdaysOnly: s.weekdays_only,
      }))
      .sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type)),
    closures: row.c_closures.map((c): Closure => ({
      from: c.from_day,
      to: c.to_day,
      type: typeOrAll(c.certificate_type),
    })),
    maintenance: row.c_maintenance.map((m): MaintenanceWindow => ({
      from: new Date(m.starts_at),
      to: new Date(m.ends_at),
      type: typeOrAll(m.certificate_type),
    })),
  };
}

/** One municipality's configuration in force at `now` (see configColumns); requests use offer-loader.ts. */
export async function loadMunicipalityConfig(
  db: Queryable,
  code: string,
  now: Date,
): Promise<MunicipalityConfig | null> {
  const rows = await db.query<Municipality & ConfigRow>(
    `SELECT m.code, m.prefecture, m.name, m.mayor, ${configColumns('$2')} FROM municipalities m WHERE m.code = $1`,
    [code, now.toISOString()],
  );
  const row = rows[0];
  if (!row) return null;
  return configOf({ code: row.code, prefecture: row.prefecture, name: row.name, mayor: row.mayor }, row);
}

function typeOrAll(value: string | null): CertificateType | null {
  return value === null ? null : CertificateType.parse(value);
}

export async function insertServiceConfig(db: Queryable, code: string, s: ServiceConfig): Promise<void> {
  await db.query(
    `INSERT INTO municipality_services (municipality_code, certificate_type, fee_yen, opens, closes,
       weekdays_only) VALUES ($1, $2, $3, $4, $5, $6)`,
    [code, s.type, s.feeYen, s.opens, s.closes, s.weekdaysOnly],
  );
}

export async function insertClosure(db: Queryable, code: string, c: Closure): Promise<void> {
  await db.query(
    'INSERT INTO municipality_closures (municipality_code, from_day, to_day, certificate_type) VALUES ($1, $2, $3, $4)',
    [code, c.from, c.to, c.type],
  );
}

export async function insertMaintenanceWindow(
  db: Queryable,
  code: string,
  w: MaintenanceWindow,
): Promise<void> {
  await db.query(
    `INSERT INTO maintenance_windows (municipality_code, starts_at, ends_at, certificate_type)
     VALUES ($1, $2, $3, $4)`,
    [code, w.from.toISOString(), w.to.toISOString(), w.type],
  );
}
