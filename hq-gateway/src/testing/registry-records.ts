import { jst, jstInstant } from '../issuance/jst';
import {
  DEMO_HOUSEHOLDS,
  DEMO_MOVED_IN_TODAY,
  DEMO_MUNICIPALITY,
  DEMO_RESIDENTS,
  refreshDemoDates,
} from '../registry/demo-municipality';
import {
  DEMO_CLOSURES,
  DEMO_KOSEKI,
  DEMO_SEALS,
  DEMO_SERVICES,
  demoTaxRecords,
} from '../registry/demo-records';
import type { GatewayFixture } from './gateway-fixture';
import type { MaintenanceWindow, MunicipalityConfig, Resident, ResidentRecords } from '../registry/types';

/**
 * The demo registry as records.ts would load it, built in memory for pure tests (offer, options, content):
 * the same data insertDemoRegistry writes at `seededAt`.
 */
export function demoRecords(
  residentId: string,
  seededAt: Date,
  patch: Partial<Resident> = {},
): ResidentRecords {
  const today = jst(seededAt).date;
  const residents = DEMO_RESIDENTS.map((r) =>
    r.id === DEMO_MOVED_IN_TODAY ? { ...r, becameResidentOn: today } : r,
  );
  const base = residents.find((r) => r.id === residentId);
  if (!base) throw new Error(`no demo resident ${residentId}`);
  const holder = { ...base, ...patch };
  const household = DEMO_HOUSEHOLDS.find((h) => h.id === holder.householdId);
  if (!household) throw new Error(`no household ${holder.householdId}`);
  const members = residents
    .filter((r) => r.householdId === holder.householdId && (r.movedOutOn === null || r.id === holder.id))
    .map((r) => (r.id === holder.id ? holder : r))
    .sort(
      (a, b) => Number(b.isHouseholder) - Number(a.isHouseholder) || a.birthDate.localeCompare(b.birthDate),
    );
  return {
    municipality: DEMO_MUNICIPALITY,
    holder,
    household: { id: household.id, address: household.address, members },
    sealRegistration: DEMO_SEALS.find((s) => s.residentId === residentId) ?? null,
    taxRecords: demoTaxRecords(seededAt).filter((t) => t.residentId === residentId),
    koseki: DEMO_KOSEKI.find((k) => k.persons.some((p) => p.residentId === residentId)) ?? null,
  };
}

export function demoConfig(maintenance: MaintenanceWindow[] = []): MunicipalityConfig {
  return {
    municipality: DEMO_MUNICIPALITY,
    services: [...DEMO_SERVICES],
    closures: [...DEMO_CLOSURES],
    maintenance,
  };
}

/**
 * Moves the test clock to 10:00 JST on the next weekday (outside 29 Dec–3 Jan) after the real time, when
 * every demo certificate is on offer whatever the hour the tests run at, and moves the demo's day-relative
 * data (the resident who moved in "today", the current tax year) to that day.
 */
export async function moveClockToOpenHours(fx: GatewayFixture): Promise<Date> {
  let day = new Date(Date.now() + 24 * 60 * 60 * 1000);
  while (
    [0, 6].includes(jst(day).weekday) ||
    ['12-29', '12-30', '12-31', '01-01', '01-02', '01-03'].includes(jst(day).monthDay)
  ) {
    day = new Date(day.getTime() + 24 * 60 * 60 * 1000);
  }
  fx.clock.now = jstInstant(jst(day).date, '10:00');
  await refreshDemoDates(fx.db, fx.clock.now);
  return fx.clock.now;
}
