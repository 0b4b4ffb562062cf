import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database';
import { runMigrations } from '../db/migrate';
import { openPgliteDatabase } from '../db/pglite';
import { jstInstant } from '../issuance/jst';
import { demoConfig, demoRecords } from '../testing/registry-records';
import { loadMunicipalityConfig } from './config-store';
import {
  DEMO_MOVED_IN_TODAY,
  DEMO_RESIDENTS,
  insertDemoRegistry,
  refreshDemoDates,
} from './demo-municipality';
import { loadResidentRecords } from './records';

let db: Database;
const seededAt = jstInstant('2026-11-24', '08:00');

beforeAll(async () => {
  db = await openPgliteDatabase();
  await runMigrations(db);
  await insertDemoRegistry(db, seededAt);
});

afterAll(async () => {
  await db?.close();
});

describe('the municipality adapter', () => {
  it.each(DEMO_RESIDENTS.map((r) => r.id))('loads %s exactly as the demo data describes them', async (id) => {
    expect(await loadResidentRecords(db, id)).toEqual(demoRecords(id, seededAt));
  });

  it('loads the configuration, with only the maintenance windows not yet over', async () => {
    expect(await loadMunicipalityConfig(db, '139998', seededAt)).toEqual(demoConfig());
    const window = { from: jstInstant('2026-11-24', '01:00'), to: jstInstant('2026-11-24', '03:00') };
    await db.query(
      "INSERT INTO maintenance_windows (municipality_code, starts_at, ends_at) VALUES ('139998', $1, $2)",
      [window.from.toISOString(), window.to.toISOString()],
    );
    expect((await loadMunicipalityConfig(db, '139998', window.from))?.maintenance).toEqual([
      { ...window, type: null },
    ]);
    expect((await loadMunicipalityConfig(db, '139998', window.to))?.maintenance).toEqual([]);
    expect(await loadMunicipalityConfig(db, '000000', seededAt)).toBeNull();
  });

  it('leaves a member who moved out off the household, but not off their own record', async () => {
    await db.query("UPDATE residents SET moved_out_on = '2026-11-01' WHERE id = 'res-yamada-hanako'");
    try {
      const taro = await loadResidentRecords(db, 'res-yamada-taro');
      expect(taro?.household.members.map((m) => m.id)).toEqual(['res-yamada-taro', 'res-yamada-sakura']);
      const hanako = await loadResidentRecords(db, 'res-yamada-hanako');
      expect(hanako?.holder.movedOutOn).toBe('2026-11-01');
    } finally {
      await db.query("UPDATE residents SET moved_out_on = NULL WHERE id = 'res-yamada-hanako'");
    }
  });

  it('moves the demo’s day-relative data to a later day', async () => {
    const later = jstInstant('2027-04-02', '09:00');
    await refreshDemoDates(db, later);
    const mai = await loadResidentRecords(db, DEMO_MOVED_IN_TODAY);
    expect(mai?.holder.becameResidentOn).toBe('2027-04-02');
    const taro = await loadResidentRecords(db, 'res-yamada-taro');
    expect(taro?.taxRecords.map((t) => t.fiscalYear)).toEqual([2027, 2026, 2025]);
    await refreshDemoDates(db, later); // idempotent
  });

  it.each([
    [
      '本籍 for a foreign resident',
      "UPDATE residents SET honseki_address = 'x', honseki_head = 'y' WHERE id = 'res-nguyen-van-an'",
    ],
    [
      'a partial foreign record',
      "UPDATE residents SET residence_status = NULL WHERE id = 'res-nguyen-van-an'",
    ],
    ['a malformed 個人番号', "UPDATE residents SET my_number = '12345' WHERE id = 'res-yamada-taro'"],
    [
      'hours that close before they open',
      "UPDATE municipality_services SET closes = '06:00' WHERE certificate_type = 'juminhyo'",
    ],
    [
      'an unknown certificate type',
      "UPDATE municipality_services SET certificate_type = 'passport' WHERE certificate_type = 'koseki'",
    ],
  ])('refuses to store %s', async (_label, sql) => {
    await expect(db.query(sql)).rejects.toThrow();
  });
});
