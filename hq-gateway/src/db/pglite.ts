import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Database, Queryable } from './database';

/**
 * Embedded PostgreSQL (PGlite, WASM). Persists to a directory, or lives in memory when none is given (tests).
 * PGlite is one connection: it queues queries and holds other callers back while a transaction runs, which
 * gives the same isolation a `pg` pool would.
 */
export async function openPgliteDatabase(options: { dataDir?: string } = {}): Promise<Database> {
  let pg: PGlite;
  if (options.dataDir) {
    // PGlite creates the database directory itself but not its parent.
    await mkdir(dirname(options.dataDir), { recursive: true });
    pg = await PGlite.create(options.dataDir);
  } else {
    pg = await PGlite.create();
  }
  return {
    ...queryable(pg),
    transaction: (fn) => pg.transaction((tx) => fn(queryable(tx))),
    close: () => pg.close(),
  };
}

function queryable(target: PGlite | Transaction): Queryable {
  return {
    async query<T extends object>(sql: string, params: readonly unknown[] = []) {
      const result = await target.query<T>(sql, [...params]);
      return result.rows;
    },
    async exec(sql: string) {
      await target.exec(sql);
    },
  };
}
