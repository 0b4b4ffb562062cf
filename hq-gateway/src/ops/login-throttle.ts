import { createHash } from 'node:crypto';
import type { Queryable } from '../db/database';

/** After 5 failed logins for one username within 15 min, further attempts are refused until the oldest ages out. */
export const MAX_FAILURES = 5;
export const FAILURE_WINDOW_MS = 15 * 60_000;

function key(username: string): string {
  return createHash('sha256').update(username.toLowerCase(), 'utf8').digest('hex');
}

/** Milliseconds until the next attempt is allowed, or 0 when it is allowed now. */
export async function lockedForMs(db: Queryable, username: string, now: Date): Promise<number> {
  const since = new Date(now.getTime() - FAILURE_WINDOW_MS);
  const rows = await db.query<{ at: Date }>(
    `SELECT at FROM operator_login_failures WHERE username_sha256 = $1 AND at > $2 ORDER BY at DESC LIMIT $3`,
    [key(username), since.toISOString(), MAX_FAILURES],
  );
  const oldest = rows[MAX_FAILURES - 1];
  if (!oldest) return 0;
  return Math.max(1, oldest.at.getTime() + FAILURE_WINDOW_MS - now.getTime());
}

export async function recordLoginFailure(db: Queryable, username: string, now: Date): Promise<void> {
  await db.query('INSERT INTO operator_login_failures (username_sha256, at) VALUES ($1, $2)', [
    key(username),
    now.toISOString(),
  ]);
  // Housekeeping: failures older than the window count for nothing.
  await db.query('DELETE FROM operator_login_failures WHERE at < $1', [
    new Date(now.getTime() - FAILURE_WINDOW_MS).toISOString(),
  ]);
}

export async function clearLoginFailures(db: Queryable, username: string): Promise<void> {
  await db.query('DELETE FROM operator_login_failures WHERE username_sha256 = $1', [key(username)]);
}
