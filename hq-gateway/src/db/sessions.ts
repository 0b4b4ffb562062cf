import type { Queryable } from './database';

export interface SessionRecord {
  id: string;
  terminalId: string;
  cardId: string;
  residentId: string;
  /** SHA-256 of the user-authentication certificate that opened the session, hex. */
  cardCertSha256: string;
  createdAt: Date;
  expiresAt: Date;
}

export async function insertSession(db: Queryable, s: SessionRecord): Promise<void> {
  await db.query(
    `INSERT INTO sessions (id, terminal_id, card_id, resident_id, card_cert_sha256, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      s.id,
      s.terminalId,
      s.cardId,
      s.residentId,
      s.cardCertSha256,
      s.createdAt.toISOString(),
      s.expiresAt.toISOString(),
    ],
  );
}

/** The session if it belongs to this terminal; another terminal's session does not exist for the caller. */
export async function findSession(
  db: Queryable,
  id: string,
  terminalId: string,
): Promise<SessionRecord | null> {
  const rows = await db.query<{
    id: string;
    terminal_id: string;
    card_id: string;
    resident_id: string;
    card_cert_sha256: string;
    created_at: Date;
    expires_at: Date;
  }>(
    `SELECT id, terminal_id, card_id, resident_id, card_cert_sha256, created_at, expires_at
     FROM sessions WHERE id = $1 AND terminal_id = $2`,
    [id, terminalId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    terminalId: row.terminal_id,
    cardId: row.card_id,
    residentId: row.resident_id,
    cardCertSha256: row.card_cert_sha256,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
  };
}
