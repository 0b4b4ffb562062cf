import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/database';
import type { Operator, OperatorRole } from './operators';

/** A session ends 8 h after login however busy, or after 30 min without a request. */
export const SESSION_ABSOLUTE_MS = 8 * 60 * 60_000;
export const SESSION_IDLE_MS = 30 * 60_000;

export interface OperatorSession {
  operator: Operator;
  csrfToken: string;
  idSha256: string;
  expiresAt: Date;
}

export function sessionIdHash(cookieValue: string): string {
  return createHash('sha256').update(cookieValue, 'utf8').digest('hex');
}

/** A new session: the cookie value (256 random bits, never stored) and its CSRF token. */
export async function createOperatorSession(
  db: Queryable,
  operatorId: string,
  now: Date,
): Promise<{ cookieValue: string; csrfToken: string; expiresAt: Date }> {
  const cookieValue = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_ABSOLUTE_MS);
  await db.query(
    `INSERT INTO operator_sessions (id_sha256, operator_id, csrf_token, created_at, last_seen_at, expires_at)
     VALUES ($1, $2, $3, $4, $4, $5)`,
    [sessionIdHash(cookieValue), operatorId, csrfToken, now.toISOString(), expiresAt.toISOString()],
  );
  return { cookieValue, csrfToken, expiresAt };
}

const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The live session behind a cookie value, touched (idle timer restarted), or null when unknown, expired,
 * idle too long or its operator is disabled. Expired rows are deleted on sight.
 */
export async function findOperatorSession(
  db: Queryable,
  cookieValue: string,
  now: Date,
): Promise<OperatorSession | null> {
  if (!COOKIE_VALUE.test(cookieValue)) return null;
  const idSha256 = sessionIdHash(cookieValue);
  const rows = await db.query<{
    operator_id: string;
    username: string;
    role: OperatorRole;
    disabled: boolean;
    csrf_token: string;
    last_seen_at: Date;
    expires_at: Date;
  }>(
    `SELECT s.operator_id, o.username, o.role, o.disabled, s.csrf_token, s.last_seen_at, s.expires_at
     FROM operator_sessions s JOIN operators o ON o.id = s.operator_id WHERE s.id_sha256 = $1`,
    [idSha256],
  );
  const row = rows[0];
  if (!row) return null;
  const t = now.getTime();
  if (row.disabled || t >= row.expires_at.getTime() || t - row.last_seen_at.getTime() >= SESSION_IDLE_MS) {
    await db.query('DELETE FROM operator_sessions WHERE id_sha256 = $1', [idSha256]);
    return null;
  }
  await db.query(
    'UPDATE operator_sessions SET last_seen_at = GREATEST(last_seen_at, $2) WHERE id_sha256 = $1',
    [idSha256, now.toISOString()],
  );
  return {
    operator: { id: row.operator_id, username: row.username, role: row.role },
    csrfToken: row.csrf_token,
    idSha256,
    expiresAt: row.expires_at,
  };
}

export async function deleteOperatorSession(db: Queryable, idSha256: string): Promise<void> {
  await db.query('DELETE FROM operator_sessions WHERE id_sha256 = $1', [idSha256]);
}
