import { CertificateType } from '../api/schemas';
import type { Queryable } from '../db/database';
import type { Closure, MaintenanceWindow, Municipality, MunicipalityConfig, ServiceConfig } from './types';

/** SQL of each municipality's kiosk configuration: services (fee, hours), yearly closures, maintenance. */

/** The configuration in force at `now` (maintenance windows that already ended are left out). */
export async function loadMunicipalityConfig(
  db: Queryable,
  code: string,
  now: Date,
): Promise<MunicipalityConfig | null> {
  const rows = await db.query<Municipality>(
    'SELECT code, prefecture, name, mayor FROM municipalities WHERE code = $1',
    [code],
  );
  const municipality = rows[0];
  if (!municipality) return null;
  const services = await db.query<{
    certificate_type: string;
    fee_yen: number;
    opens: string;
    closes: string;
    weekdays_only: boolean;
  }>(
    `SELECT certificate_type, fee_yen, opens, closes, weekdays_only FROM municipality_services
     WHERE municipality_code = $1`,
    [code],
  );
  const closures = await db.query<{ from_day: string; to_day: string; certificate_type: string | null }>(
    'SELECT from_day, to_day, certificate_type FROM municipality_closures WHERE municipality_code = $1',
    [code],
  );
  const maintenance = await db.query<{ starts_at: Date; ends_at: Date; certificate_type: string | null }>(
    `SELECT starts_at, ends_at, certificate_type FROM maintenance_windows
     WHERE municipality_code = $1 AND ends_at > $2 ORDER BY starts_at`,
    [code, now.toISOString()],
  );
  const order = CertificateType.options;
  return {
    municipality: {
      code: municipality.code,
      prefecture: municipality.prefecture,
      name: municipality.name,
      mayor: municipality.mayor,
    },
    services: services
      .map((s): ServiceConfig => ({
        type: CertificateType.parse(s.certificate_type),
        feeYen: Number(s.fee_yen),
        opens: s.opens,
        closes: s.closes,
        weekdaysOnly: s.weekdays_only,
      }))
      .sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type)),
    closures: closures.map((c): Closure => ({
      from: c.from_day,
      to: c.to_day,
      type: typeOrAll(c.certificate_type),
    })),
    maintenance: maintenance.map((m): MaintenanceWindow => ({
      from: new Date(m.starts_at),
      to: new Date(m.ends_at),
      type: typeOrAll(m.certificate_type),
    })),
  };
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
