import type { Queryable } from './database';

/** A terminal as authentication sees it: its id and the certificate it may use now (null: not enrolled). */
export interface TerminalRecord {
  id: string;
  /** SHA-256 of the current certificate's DER, hex. */
  certSha256: string | null;
}

/** Creates the terminal, or renames it when `name` is given and it exists. */
export async function upsertTerminal(db: Queryable, terminal: { id: string; name?: string }): Promise<void> {
  await db.query(
    `INSERT INTO terminals (id, name) VALUES ($1, $2)
     ON CONFLICT (id) DO UPDATE SET name = CASE WHEN $3 THEN EXCLUDED.name ELSE terminals.name END`,
    [terminal.id, terminal.name ?? '', terminal.name !== undefined],
  );
}

/** What authentication checks of a terminal: its current certificate, and whether it is revoked. */
export interface TerminalStanding {
  certSha256: string | null;
  revoked: boolean;
}

/**
 * The terminals among `ids` that exist, by id, with their current certificate and whether they are revoked
 * (authentication tells the two apart in its log).
 */
export async function findTerminals(
  db: Queryable,
  ids: readonly string[],
): Promise<Map<string, TerminalStanding>> {
  const rows = await db.query<{ id: string; cert_sha256: string | null; revoked: boolean }>(
    'SELECT id, cert_sha256, revoked_at IS NOT NULL AS revoked FROM terminals WHERE id = ANY($1::text[])',
    [[...ids]],
  );
  return new Map(rows.map((row) => [row.id, { certSha256: row.cert_sha256, revoked: row.revoked }]));
}

/** The terminal if it exists and has not been revoked. */
export async function findActiveTerminal(db: Queryable, id: string): Promise<TerminalRecord | null> {
  const rows = await db.query<{ id: string; cert_sha256: string | null }>(
    'SELECT id, cert_sha256 FROM terminals WHERE id = $1 AND revoked_at IS NULL',
    [id],
  );
  const row = rows[0];
  return row ? { id: row.id, certSha256: row.cert_sha256 } : null;
}

export async function insertEnrollmentCode(
  db: Queryable,
  code: { codeSha256: string; terminalId: string; createdAt: Date; expiresAt: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO terminal_enrollment_codes (code_sha256, terminal_id, created_at, expires_at)
     VALUES ($1, $2, $3, $4)`,
    [code.codeSha256, code.terminalId, code.createdAt.toISOString(), code.expiresAt.toISOString()],
  );
}

export type CodeClaim =
  { ok: true; terminalId: string } | { ok: false; reason: 'unknown-code' | 'code-used' | 'code-expired' };

/** Marks the code used if it is unused and unexpired; call inside the transaction that issues the certificate. */
export async function claimEnrollmentCode(tx: Queryable, codeSha256: string, now: Date): Promise<CodeClaim> {
  const rows = await tx.query<{ terminal_id: string; expires_at: Date; used_at: Date | null }>(
    `SELECT terminal_id, expires_at, used_at FROM terminal_enrollment_codes WHERE code_sha256 = $1 FOR UPDATE`,
    [codeSha256],
  );
  const row = rows[0];
  if (!row) return { ok: false, reason: 'unknown-code' };
  if (row.used_at) return { ok: false, reason: 'code-used' };
  if (row.expires_at.getTime() <= now.getTime()) return { ok: false, reason: 'code-expired' };
  await tx.query('UPDATE terminal_enrollment_codes SET used_at = $2 WHERE code_sha256 = $1', [
    codeSha256,
    now.toISOString(),
  ]);
  return { ok: true, terminalId: row.terminal_id };
}

export interface IssuedTerminalCertificate {
  terminalId: string;
  sha256: string;
  serial: string;
  notBefore: Date;
  notAfter: Date;
}

/**
 * Makes `cert` the terminal's only accepted certificate: the previous one is revoked as superseded, and a
 * terminal that had been revoked is back in service (an operator issued the code that got it here).
 */
export async function setTerminalCertificate(
  tx: Queryable,
  cert: IssuedTerminalCertificate,
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  await tx.query(
    `UPDATE terminal_certificates SET revoked_at = $2, revocation_reason = 'superseded'
     WHERE terminal_id = $1 AND revoked_at IS NULL`,
    [cert.terminalId, at],
  );
  await tx.query(
    `INSERT INTO terminal_certificates (sha256, serial, terminal_id, not_before, not_after, issued_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      cert.sha256,
      cert.serial,
      cert.terminalId,
      cert.notBefore.toISOString(),
      cert.notAfter.toISOString(),
      at,
    ],
  );
  await tx.query(
    `UPDATE terminals SET cert_sha256 = $2, cert_serial = $3, cert_not_after = $4, enrolled_at = $5,
       revoked_at = NULL
     WHERE id = $1`,
    [cert.terminalId, cert.sha256, cert.serial, cert.notAfter.toISOString(), at],
  );
}

/**
 * Takes the terminal out of service: its certificate is revoked and its unused enrolment codes are
 * withdrawn. Returns false for an unknown or already revoked terminal.
 */
export async function revokeTerminalRecord(tx: Queryable, terminalId: string, now: Date): Promise<boolean> {
  const at = now.toISOString();
  const rows = await tx.query<{ id: string }>(
    'UPDATE terminals SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id',
    [terminalId, at],
  );
  if (rows.length === 0) return false;
  await tx.query(
    `UPDATE terminal_certificates SET revoked_at = $2, revocation_reason = 'terminal-revoked'
     WHERE terminal_id = $1 AND revoked_at IS NULL`,
    [terminalId, at],
  );
  await tx.query('DELETE FROM terminal_enrollment_codes WHERE terminal_id = $1 AND used_at IS NULL', [
    terminalId,
  ]);
  return true;
}

export interface TerminalSummary {
  id: string;
  name: string;
  enrolledAt: Date | null;
  certNotAfter: Date | null;
  revokedAt: Date | null;
}

export async function listTerminals(db: Queryable): Promise<TerminalSummary[]> {
  const rows = await db.query<{
    id: string;
    name: string;
    enrolled_at: Date | null;
    cert_not_after: Date | null;
    revoked_at: Date | null;
  }>('SELECT id, name, enrolled_at, cert_not_after, revoked_at FROM terminals ORDER BY id');
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    enrolledAt: r.enrolled_at,
    certNotAfter: r.cert_not_after,
    revokedAt: r.revoked_at,
  }));
}
