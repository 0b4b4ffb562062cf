import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import pg from 'pg';
import type { Database } from './database';
import { poolDatabase, withTypes } from './postgres';

/**
 * Embedded PostgreSQL (PGlite, WASM). Persists to a directory, or lives in memory when none is given (tests).
 *
 * It is reached through `pg` over PGlite's own wire-protocol connection, a pool of one: the SQL, decoders,
 * transactions and prepared statements are then exactly those of PostgreSQL (db/postgres.ts). One
 * connection queues queries and holds other callers back while a transaction runs, which gives the same
 * isolation a larger pool would. Prepared statements are why: PGlite's own `query` plans every call again,
 * which made planning most of HQ's per-request database time.
 */
export async function openPgliteDatabase(options: { dataDir?: string } = {}): Promise<Database> {
  let lite: PGlite;
  if (options.dataDir) {
    // PGlite creates the database directory itself but not its parent.
    await mkdir(dirname(options.dataDir), { recursive: true });
    lite = await PGlite.create(options.dataDir);
  } else {
    lite = await PGlite.create();
  }
  const pool = new pg.Pool(withTypes({ ...createPgConfig(lite), max: 1 }));
  return poolDatabase(pool, async () => {
    await pool.end();
    await lite.close();
  });
}
