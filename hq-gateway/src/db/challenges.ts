import type { ChallengePurpose } from '../api/schemas';
import type { Queryable } from './database';

export interface NewChallenge {
  id: string;
  /** null for the smartphone app's challenges (purpose 'app-pin-reset', and only those). */
  terminalId: string | null;
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
 * attempts only one matches `used_at IS NULL`. A challenge of another terminal is reported as not found, and
 * so are the app's challenges to a terminal and a terminal's to the app (`terminalId` null).
 */
export async function consumeChallenge(
  db: Queryable,
  q: { id: string; terminalId: string | null; at: Date },
): Promise<ConsumedChallenge> {
  const at = q.at.toISOString();
  // The owner is always the last parameter, or absent for the app.
  const owner = (n: number) => (q.terminalId === null ? 'terminal_id IS NULL' : `terminal_id = $${n}`);
  const ownerParam = q.terminalId === null ? [] : [q.terminalId];
  const consumed = await db.query<{ nonce: string; purpose: string }>(
    `UPDATE challenges SET used_at = $2
     WHERE id = $1 AND ${owner(3)} AND used_at IS NULL AND expires_at > $2
     RETURNING nonce, purpose`,
    [q.id, at, ...ownerParam],
  );
  const row = consumed[0];
  if (row) return { ok: true, nonce: row.nonce, purpose: row.purpose };

  const found = await db.query<{ used: boolean }>(
    `SELECT used_at IS NOT NULL AS used FROM challenges WHERE id = $1 AND ${owner(2)}`,
    [q.id, ...ownerParam],
  );
  const existing = found[0];
  if (!existing) return { ok: false, code: 'CHALLENGE_NOT_FOUND' };
  return { ok: false, code: existing.used ? 'CHALLENGE_USED' : 'CHALLENGE_EXPIRED' };
}
