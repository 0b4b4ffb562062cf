/**
 * The storage port: just enough SQL access for HQ. One dialect — PostgreSQL 15 — served by embedded PGlite by
 * default and by a `pg` pool when DATABASE_URL is set (not written yet; same SQL, same interface).
 *
 * Portability rules for the SQL behind this interface (PGlite and `pg` decode some types differently):
 * - `count(*)` and other bigints: PGlite gives a number, `pg` a string. Cast in SQL (`count(*)::int`).
 * - `date` columns: `pg` turns them into a local-midnight Date. Select them as text (`birth_date::text`).
 * - `timestamptz` comes back as a Date from both; bind timestamps as ISO strings.
 * - No bytea (Uint8Array vs Buffer): store hashes and keys as hex or base64 text.
 */
export interface Queryable {
  /** One statement, `$1`-style parameters. */
  query<T extends object = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  /** Runs fn in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<R>(fn: (tx: Queryable) => Promise<R>): Promise<R>;
  close(): Promise<void>;
}

/** SQLSTATE 23505, from either driver. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
