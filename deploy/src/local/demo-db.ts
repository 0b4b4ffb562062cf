import type { Database } from 'hq-gateway/db/database';
import { databaseConfig, openDatabase } from 'hq-gateway/db/open';

/**
 * HQ's database for the demo tooling: embedded PGlite in the data folder, or the PostgreSQL named by
 * DATABASE_URL — the same choice the gateway makes, so seed, enrolment and gateway see one database.
 */
export function openDemoDatabase(databaseDir: string): Promise<Database> {
  return openDatabase(databaseConfig({ dataDir: databaseDir }));
}

/** Whether the demo may seed this database: PGlite is recreated from scratch; PostgreSQL must be empty. */
export async function assertSeedable(db: Database): Promise<void> {
  if (databaseConfig({}).engine !== 'postgres') return;
  const [row] = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'",
  );
  if ((row?.n ?? 0) > 0) {
    throw new Error(
      'DATABASE_URL names a database that already has tables: the demo seed only writes to an empty one ' +
        '(create a fresh database, or unset DATABASE_URL for the embedded one)',
    );
  }
}
