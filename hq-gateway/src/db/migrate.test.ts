import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testEngines } from '../../../test/support/postgres';
import { insertDemoRegistry } from '../registry/demo-municipality';
import { isUniqueViolation, type Database } from './database';
import { runMigrations } from './migrate';
import { openPostgresDatabase } from './postgres';

const MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Every released migration, in order (other changes add files; this test follows them). */
async function releasedVersions(): Promise<string[]> {
  return (await readdir(MIGRATIONS))
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => f.replace(/\.sql$/, ''));
}

describe.each(testEngines)('on $name', (engine) => {
  let db: Database;

  beforeAll(async () => {
    db = await engine.open();
  });

  afterAll(async () => {
    await db?.close();
  });

  describe('migrations', () => {
    it('apply every numbered file once and record it', async () => {
      const versions = await releasedVersions();
      expect(versions.slice(0, 3)).toEqual([
        '0001_initial',
        '0002_pin_reset',
        '0003_replacements_and_status',
      ]);
      expect(versions).toContain('0008_socketio');
      expect(await runMigrations(db)).toEqual(versions);
      expect(await runMigrations(db)).toEqual([]);
      const tables = await db.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
      );
      expect(tables.map((t) => t.table_name)).toEqual(
        expect.arrayContaining([
          'audit_log',
          'cards',
          'challenges',
          'households',
          'issuance_copies',
          'issuances',
          'municipalities',
          'pin_reset_reservations',
          'pin_resets',
          'residents',
          'schema_migrations',
          'sessions',
          'socket_io_attachments',
          'status_events',
          'terminal_status',
          'terminals',
        ]),
      );
    });

    it('apply only files named NNNN_name.sql, in order, and roll back together when one fails', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'hq-migrations-'));
      try {
        await writeFile(
          join(dir, '0002_second.sql'),
          'CREATE TABLE m_second (a int REFERENCES m_first (a));',
        );
        await writeFile(join(dir, '0001_first.sql'), 'CREATE TABLE m_first (a int PRIMARY KEY);');
        await writeFile(join(dir, 'notes.sql'), 'this is not SQL');
        expect(await runMigrations(db, dir)).toEqual(['0001_first', '0002_second']);

        await writeFile(join(dir, '0003_fine.sql'), 'CREATE TABLE m_fine (a int);');
        await writeFile(join(dir, '0004_broken.sql'), 'CREATE TABLE m_broken (;');
        await expect(runMigrations(db, dir)).rejects.toThrow();
        const fine = await db.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'm_fine'");
        expect(fine).toEqual([]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });

  describe('Database', () => {
    beforeAll(async () => {
      await db.exec('CREATE TABLE tx_probe (id text PRIMARY KEY); CREATE TABLE tx_other (n int);');
    });

    it('commits a transaction that resolves and rolls back one that throws', async () => {
      await db.transaction((tx) => tx.query("INSERT INTO tx_probe (id) VALUES ('commit')"));
      await expect(
        db.transaction(async (tx) => {
          await tx.query("INSERT INTO tx_probe (id) VALUES ('rollback')");
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      const ids = await db.query<{ id: string }>('SELECT id FROM tx_probe ORDER BY id');
      expect(ids.map((r) => r.id)).toEqual(['commit']);
    });

    it("runs a transaction's statements in one session", async () => {
      // A pool that sent each statement to any free connection would lose the transaction-local setting.
      const seen = await db.transaction(async (tx) => {
        await tx.query("SELECT set_config('kiosk.probe', 'same-session', true)");
        await tx.query('SELECT 1');
        return tx.query<{ v: string }>("SELECT current_setting('kiosk.probe', true) AS v");
      });
      expect(seen).toEqual([{ v: 'same-session' }]);
    });

    it('stays usable after many failed transactions (connections go back to the pool)', async () => {
      for (let i = 0; i < 12; i++) {
        await expect(db.transaction((tx) => tx.query('SELECT * FROM no_such_table'))).rejects.toThrow();
      }
      await db.transaction((tx) => tx.query('INSERT INTO tx_other (n) VALUES (1)'));
      expect(await db.query('SELECT n FROM tx_other')).toEqual([{ n: 1 }]);
    });

    it('runs several statements with exec', async () => {
      await db.exec('INSERT INTO tx_other (n) VALUES (2); INSERT INTO tx_other (n) VALUES (3);');
      expect(await db.query('SELECT count(*)::int AS n FROM tx_other')).toEqual([{ n: 3 }]);
    });

    it('recognises unique violations', async () => {
      const error = await db.query("INSERT INTO tx_probe (id) VALUES ('commit')").then(
        () => null,
        (e: unknown) => e,
      );
      expect(isUniqueViolation(error)).toBe(true);
      expect(isUniqueViolation(new Error('other'))).toBe(false);
    });

    it('decodes bigint, date, timestamptz and jsonb the same way on both engines', async () => {
      const [row] = await db.query<Record<string, unknown>>(
        `SELECT count(*) AS c, 5::bigint AS b, 9007199254740993::bigint AS huge, '2016-05-05'::date AS d,
           '2026-01-02T03:04:05.678Z'::timestamptz AS ts, $1::jsonb AS j, 1.5::numeric AS n
         FROM tx_probe`,
        [JSON.stringify({ a: [1, 'x'] })],
      );
      expect(row).toEqual({
        c: 1,
        b: 5,
        huge: 9007199254740993n,
        d: new Date('2016-05-05T00:00:00Z'),
        ts: new Date('2026-01-02T03:04:05.678Z'),
        j: { a: [1, 'x'] },
        n: '1.5',
      });
    });

    it('keeps dates as text when selected ::text (the portable way)', async () => {
      await insertDemoRegistry(db);
      const rows = await db.query<{ birth_date: string; n: number }>(
        "SELECT birth_date::text AS birth_date, (SELECT count(*)::int FROM residents) AS n FROM residents WHERE id = 'res-yamada-sakura'",
      );
      expect(rows).toEqual([{ birth_date: '2016-05-05', n: expect.any(Number) }]);
      expect(rows[0]?.n).toBeGreaterThanOrEqual(4);
    });

    it('enforces one householder per household', async () => {
      const error = await db
        .query(
          `INSERT INTO residents (id, household_id, family_name, given_name, family_name_kana, given_name_kana,
             birth_date, sex, relationship, is_householder, became_resident_on)
           VALUES ('x', 'hh-yamada', 'a', 'b', 'c', 'd', '2000-01-01', 'male', '世帯主', true, '2000-01-01')`,
        )
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(isUniqueViolation(error)).toBe(true);
    });
  });
});

describe('on postgres: gateways starting at once', () => {
  it('migrate one database exactly once between them (advisory lock)', async () => {
    const database = await createTestDatabase();
    const gateways = await Promise.all(
      [1, 2, 3].map(() => openPostgresDatabase({ connectionString: database.url, max: 2 })),
    );
    try {
      const applied = await Promise.all(gateways.map((db) => runMigrations(db)));
      const versions = await releasedVersions();
      // One of them applied everything; the others waited for the lock and found nothing left to do.
      expect(applied.filter((a) => a.length > 0)).toEqual([versions]);
      expect(applied.filter((a) => a.length === 0)).toHaveLength(2);
      const recorded = await gateways[0]!.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM schema_migrations',
      );
      expect(recorded).toEqual([{ n: versions.length }]);
    } finally {
      await Promise.all(gateways.map((db) => db.close()));
      await database.drop();
    }
  });
});
