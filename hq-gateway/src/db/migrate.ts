import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Database } from './database';

const DEFAULT_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Migration files are `NNNN_description.sql`, applied in that order and never edited once released. */
const FILE_PATTERN = /^(\d{4})_[a-z0-9_]+\.sql$/;

/** An arbitrary constant: every gateway instance takes the same advisory lock while migrating. */
const MIGRATION_LOCK_ID = 4_200_001;

/**
 * Applies pending migrations in one transaction and records each in schema_migrations. Several gateways may
 * start at once against one PostgreSQL: the advisory lock makes the others wait and then find nothing to do.
 * Returns the versions it applied.
 */
export async function runMigrations(db: Database, dir: string = DEFAULT_DIR): Promise<string[]> {
  const files = (await readdir(dir)).filter((f) => FILE_PATTERN.test(f)).sort();
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_ID]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version text PRIMARY KEY,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = new Set(
      (await tx.query<{ version: string }>('SELECT version FROM schema_migrations')).map((r) => r.version),
    );
    const applied: string[] = [];
    for (const file of files) {
      const version = file.replace(/\.sql$/, '');
      if (done.has(version)) continue;
      await tx.exec(await readFile(join(dir, file), 'utf8'));
      await tx.query('INSERT INTO schema_migrations (version) VALUES ($1)', [version]);
      applied.push(version);
    }
    return applied;
  });
}
