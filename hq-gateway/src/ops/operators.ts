import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Queryable } from '../db/database';
import { isUniqueViolation } from '../db/database';
import { hashPassword } from './password';

/** The operator roles, each allowed what the one before it may do and more. */
export const OperatorRole = z.enum(['viewer', 'operator', 'admin']);
export type OperatorRole = z.infer<typeof OperatorRole>;

export const Username = z
  .string()
  .min(3)
  .max(64)
  .regex(/^[a-z0-9._-]+$/, 'lower-case letters, digits, . _ -');

export interface Operator {
  id: string;
  username: string;
  role: OperatorRole;
}

export interface OperatorRecord extends Operator {
  passwordHash: string;
  disabled: boolean;
}

const RANK: Record<OperatorRole, number> = { viewer: 0, operator: 1, admin: 2 };

export function roleAllows(has: OperatorRole, needs: OperatorRole): boolean {
  return RANK[has] >= RANK[needs];
}

interface Row {
  id: string;
  username: string;
  role: OperatorRole;
  password_hash: string;
  disabled: boolean;
}

function record(row: Row): OperatorRecord {
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    passwordHash: row.password_hash,
    disabled: row.disabled,
  };
}

export class OperatorExistsError extends Error {
  constructor(readonly username: string) {
    super(`operator ${username} exists`);
    this.name = 'OperatorExistsError';
  }
}

export async function createOperator(
  db: Queryable,
  input: { username: string; password: string; role: OperatorRole; now?: Date },
): Promise<Operator> {
  const username = Username.parse(input.username);
  const id = randomUUID();
  const passwordHash = await hashPassword(input.password);
  try {
    await db.query(
      `INSERT INTO operators (id, username, password_hash, role, created_at) VALUES ($1, $2, $3, $4, $5)`,
      [id, username, passwordHash, input.role, (input.now ?? new Date()).toISOString()],
    );
  } catch (error) {
    if (isUniqueViolation(error)) throw new OperatorExistsError(username);
    throw error;
  }
  return { id, username, role: input.role };
}

export async function findOperatorByUsername(
  db: Queryable,
  username: string,
): Promise<OperatorRecord | null> {
  const rows = await db.query<Row>(
    'SELECT id, username, role, password_hash, disabled FROM operators WHERE username = $1',
    [username],
  );
  return rows[0] ? record(rows[0]) : null;
}

export async function listOperators(db: Queryable): Promise<(Operator & { disabled: boolean })[]> {
  const rows = await db.query<Row>(
    'SELECT id, username, role, password_hash, disabled FROM operators ORDER BY username',
  );
  return rows.map((r) => ({ id: r.id, username: r.username, role: r.role, disabled: r.disabled }));
}

/** Changes role and/or disabled; a disabled operator's sessions end at once. Returns false if unknown. */
export async function updateOperator(
  db: Queryable,
  id: string,
  change: { role?: OperatorRole; disabled?: boolean; password?: string },
): Promise<boolean> {
  const passwordHash = change.password === undefined ? null : await hashPassword(change.password);
  const rows = await db.query(
    `UPDATE operators SET role = COALESCE($2, role), disabled = COALESCE($3, disabled),
       password_hash = COALESCE($4, password_hash)
     WHERE id = $1 RETURNING id`,
    [id, change.role ?? null, change.disabled ?? null, passwordHash],
  );
  if (rows.length === 0) return false;
  if (change.disabled === true || passwordHash !== null) {
    await db.query('DELETE FROM operator_sessions WHERE operator_id = $1', [id]);
  }
  return true;
}

/** Deletes an operator with their sessions; staff codes they set keep the record of who (set to null). */
export async function deleteOperator(db: Queryable, id: string): Promise<boolean> {
  await db.query('UPDATE staff_codes SET created_by = NULL WHERE created_by = $1', [id]);
  const rows = await db.query('DELETE FROM operators WHERE id = $1 RETURNING id', [id]);
  return rows.length > 0;
}
