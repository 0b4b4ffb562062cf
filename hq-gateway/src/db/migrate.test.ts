import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertDemoRegistry } from '../registry/demo-municipality';
import { isUniqueViolation, type Database } from './database';
import { runMigrations } from './migrate';
import { openPgliteDatabase } from './pglite';

let db: Database;

beforeAll(async () => {
  db = await openPgliteDatabase();
});

afterAll(async () => {
  await db?.close();
});

describe('migrations', () => {
  it('apply every numbered file once and record it', async () => {
    expect(await runMigrations(db)).toEqual([
      '0001_initial',
      '0002_pin_reset',
      '0003_replacements_and_status',
    ]);
    expect(await runMigrations(db)).toEqual([]);
    const tables = await db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    expect(tables.map((t) => t.table_name)).toEqual([
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
      'status_events',
      'terminal_status',
      'terminals',
    ]);
  });

  it('apply only files named NNNN_name.sql, in order, and roll back together when one fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hq-migrations-'));
    try {
      await writeFile(join(dir, '0002_second.sql'), 'CREATE TABLE m_second (a int REFERENCES m_first (a));');
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
  it('commits a transaction that resolves and rolls back one that throws', async () => {
    await db.transaction((tx) =>
      tx.query("INSERT INTO terminals (id, token_sha256) VALUES ('T-COMMIT', 'x')"),
    );
    await expect(
      db.transaction(async (tx) => {
        await tx.query("INSERT INTO terminals (id, token_sha256) VALUES ('T-ROLLBACK', 'x')");
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const ids = await db.query<{ id: string }>("SELECT id FROM terminals WHERE id LIKE 'T-%' ORDER BY id");
    expect(ids.map((r) => r.id)).toEqual(['T-COMMIT']);
  });

  it('recognises unique violations', async () => {
    const error = await db.query("INSERT INTO terminals (id, token_sha256) VALUES ('T-COMMIT', 'y')").then(
      () => null,
      (e: unknown) => e,
    );
    expect(isUniqueViolation(error)).toBe(true);
    expect(isUniqueViolation(new Error('other'))).toBe(false);
  });

  it('keeps dates as text when selected ::text (the portable way)', async () => {
    await insertDemoRegistry(db);
    const rows = await db.query<{ birth_date: string; n: number }>(
      "SELECT birth_date::text AS birth_date, (SELECT count(*)::int FROM residents) AS n FROM residents WHERE id = 'res-yamada-sakura'",
    );
    expect(rows).toEqual([{ birth_date: '2016-05-05', n: 4 }]);
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
