import { createHash } from 'node:crypto';

/** The prev_hash of the first row in the chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** Columns that hold the chain itself, not the row's content. */
const CHAIN_COLUMNS = new Set(['prev_hash', 'hash']);

function canonicalValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value as string | number | bigint | boolean);
}

/**
 * The canonical encoding of an audit row as read with `SELECT *`: every column but prev_hash and hash, sorted
 * by name, as a JSON array of [name, value] pairs with values as text (timestamps in ISO 8601 UTC). Reading
 * every column means a column added later is covered without touching this code. Numbers are text because
 * PGlite and `pg` decode bigint differently.
 */
export function canonicalRow(row: Record<string, unknown>): string {
  const pairs = Object.keys(row)
    .filter((name) => !CHAIN_COLUMNS.has(name))
    .sort()
    .map((name) => [name, canonicalValue(row[name])]);
  return JSON.stringify(pairs);
}

/** hash = SHA-256(prev_hash ‖ "\n" ‖ canonical row), hex. */
export function rowHash(prevHash: string, row: Record<string, unknown>): string {
  return createHash('sha256')
    .update(`${prevHash}\n${canonicalRow(row)}`, 'utf8')
    .digest('hex');
}
