import type { ChallengePurpose } from '../api/schemas';
import type { Queryable } from './database';

export interface NewChallenge {
  id: string;
  terminalId: string;
  purpose: ChallengePurpose;
  /** base64. */
  nonce: string;
  createdAt: Date;
  expiresAt: Date;
}

export async function insertChallenge(db: Queryable, c: NewChallenge): Promise<void> {
  await db.query(
    `INSERT INTO challenges (id, terminal_id, purpose, nonce, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [c.id, c.terminalId, c.purpose, c.nonce, c.createdAt.toISOString(), c.expiresAt.toISOString()],
  );
}

export type ConsumedChallenge =
  | { ok: true; nonce: string; purpose: string }
  | { ok: false; code: 'CHALLENGE_NOT_FOUND' | 'CHALLENGE_USED' | 'CHALLENGE_EXPIRED' };

/**
 * Marks the challenge used and returns it — once. The single UPDATE is the atomic step: of two concurrent
 * attempts only one matches `used_at IS NULL`. A challenge of another terminal is reported as not found.
 */
export async function consumeChallenge(
  db: Queryable,
  q: { id: string; terminalId: string; at: Date },
): Promise<ConsumedChallenge> {
  const at = q.at.toISOString();
  const consumed = await db.query<{ nonce: string; purpose: string }>(
    `UPDATE challenges SET used_at = $3
     WHERE id = $1 AND terminal_id = $2 AND used_at IS NULL AND expires_at > $3
     RETURNING nonce, purpose`,
    [q.id, q.terminalId, at],
  );
  const row = consumed[0];
  if (row) return { ok: true, nonce: row.nonce, purpose: row.purpose };

  const found = await db.query<{ used: boolean }>(
    'SELECT used_at IS NOT NULL AS used FROM challenges WHERE id = $1 AND terminal_id = $2',
    [q.id, q.terminalId],
  );
  const existing = found[0];
  if (!existing) return { ok: false, code: 'CHALLENGE_NOT_FOUND' };
  return { ok: false, code: existing.used ? 'CHALLENGE_USED' : 'CHALLENGE_EXPIRED' };
}
