import type { Queryable } from './database';

export interface TerminalRecord {
  id: string;
  /** SHA-256 of the bearer token, hex. */
  tokenSha256: string;
}

export async function insertTerminal(
  db: Queryable,
  terminal: TerminalRecord & { name?: string },
): Promise<void> {
  await db.query('INSERT INTO terminals (id, token_sha256, name) VALUES ($1, $2, $3)', [
    terminal.id,
    terminal.tokenSha256,
    terminal.name ?? '',
  ]);
}

/** The terminal if it exists and has not been revoked. */
export async function findActiveTerminal(db: Queryable, id: string): Promise<TerminalRecord | null> {
  const rows = await db.query<{ id: string; token_sha256: string }>(
    'SELECT id, token_sha256 FROM terminals WHERE id = $1 AND revoked_at IS NULL',
    [id],
  );
  const row = rows[0];
  return row ? { id: row.id, tokenSha256: row.token_sha256 } : null;
}
