import { randomBytes, randomUUID, scrypt } from 'node:crypto';
import type { Queryable } from '../db/database';

/**
 * Store staff codes, kept at HQ as the kiosk checks them (kiosk-agent/src/staff/staff-code.ts): a 16-byte
 * salt and a 32-byte scrypt hash with Node's default cost (N = 16384, r = 8, p = 1), both base64. The code
 * itself is never stored, logged or sent to a kiosk.
 */
export interface StaffCodeRecord {
  salt: string;
  scrypt: string;
}

export function staffCodeRecord(code: string): Promise<StaffCodeRecord> {
  const salt = randomBytes(16);
  return new Promise((resolve, reject) => {
    scrypt(code, salt, 32, (error, key) =>
      error ? reject(error) : resolve({ salt: salt.toString('base64'), scrypt: key.toString('base64') }),
    );
  });
}

/** Replaces the terminal's current code (the old one is revoked in the same transaction). */
export async function setTerminalStaffCode(
  tx: Queryable,
  input: { terminalId: string; record: StaffCodeRecord; operatorId: string | null; now: Date },
): Promise<void> {
  const at = input.now.toISOString();
  await tx.query('UPDATE staff_codes SET revoked_at = $2 WHERE terminal_id = $1 AND revoked_at IS NULL', [
    input.terminalId,
    at,
  ]);
  await tx.query(
    `INSERT INTO staff_codes (id, terminal_id, salt, scrypt, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
    [randomUUID(), input.terminalId, input.record.salt, input.record.scrypt, input.operatorId, at],
  );
}

/** Revokes the terminal's current code; false when it had none. */
export async function removeTerminalStaffCode(
  tx: Queryable,
  terminalId: string,
  now: Date,
): Promise<boolean> {
  const rows = await tx.query(
    'UPDATE staff_codes SET revoked_at = $2 WHERE terminal_id = $1 AND revoked_at IS NULL RETURNING id',
    [terminalId, now.toISOString()],
  );
  return rows.length > 0;
}

export async function terminalStaffCodeSetAt(db: Queryable, terminalId: string): Promise<Date | null> {
  const rows = await db.query<{ created_at: Date }>(
    'SELECT created_at FROM staff_codes WHERE terminal_id = $1 AND revoked_at IS NULL',
    [terminalId],
  );
  return rows[0]?.created_at ?? null;
}

/** The records a terminal accepts: its own current code (store-wide codes join here once terminals have stores). */
export async function currentStaffCodes(db: Queryable, terminalId: string): Promise<StaffCodeRecord[]> {
  return db.query<StaffCodeRecord>(
    'SELECT salt, scrypt FROM staff_codes WHERE terminal_id = $1 AND revoked_at IS NULL ORDER BY created_at',
    [terminalId],
  );
}
