import type { Database, Queryable } from '../db/database';
import { GENESIS_HASH, rowHash } from './chain';

export type ChainBreak = 'hash mismatch' | 'prev-hash mismatch' | 'gap' | 'head mismatch';

export type VerifyResult =
  | {
      ok: true;
      /** Sealed rows verified. */
      rows: number;
      /** Rows not chained yet: appended since the last seal (or written before the chain existed). */
      pending: number;
    }
  | { ok: false; rows: number; id: string; seq: number; reason: ChainBreak; detail: string };

const PAGE = 1000;

type AuditRow = Record<string, unknown> & {
  id: number | string;
  seq: number | string;
  prev_hash: string | null;
  hash: string | null;
};

function isDatabase(db: Queryable): db is Database {
  return typeof (db as Partial<Database>).transaction === 'function';
}

/**
 * Walks the sealed audit chain in seq order and stops at the first broken row: a seq that skips (a deleted
 * row), a prev_hash that is not the previous row's hash (a row re-hashed after an edit, or removed), or a
 * hash that does not match the row (an edited row). The head is checked last, which catches the last row
 * deleted or re-hashed. Rows the sealer has not reached yet are counted as pending, not checked. Read-only;
 * pages through the table so memory stays flat. Given the database, it reads one snapshot (a repeatable-read
 * transaction), so gateways sealing meanwhile do not make the head and the rows disagree.
 */
export async function verifyAuditChain(db: Queryable): Promise<VerifyResult> {
  if (!isDatabase(db)) return walkChain(db);
  return db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    return walkChain(tx);
  });
}

async function walkChain(db: Queryable): Promise<VerifyResult> {
  const [head] = await db.query<{ seq: number | string; hash: string | null; sealed_seq: number | string }>(
    'SELECT seq, hash, sealed_seq FROM audit_chain_head WHERE id = 1',
  );
  if (!head) throw new Error('audit_chain_head missing: migration 0006 not applied');
  const sealedSeq = Number(head.sealed_seq);
  let prev = GENESIS_HASH;
  let expected = 1;
  let rows = 0;
  let last: AuditRow | undefined;
  for (;;) {
    const page = await db.query<AuditRow>('SELECT * FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2', [
      expected,
      PAGE,
    ]);
    for (const row of page) {
      const seq = Number(row.seq);
      const broken = (reason: ChainBreak, detail: string): VerifyResult => ({
        ok: false,
        rows,
        id: String(row.id),
        seq,
        reason,
        detail,
      });
      if (seq !== expected) return broken('gap', `expected seq ${expected}, found ${seq}`);
      if (seq > sealedSeq) {
        // Written before the chain existed and not sealed yet: nothing to check but its place.
        if (row.hash !== null) return broken('hash mismatch', 'hash on a row the head says is unsealed');
      } else {
        if (row.prev_hash !== prev) return broken('prev-hash mismatch', 'prev_hash is not the previous hash');
        if (row.hash !== rowHash(prev, row))
          return broken('hash mismatch', 'row content does not match hash');
        prev = row.hash;
      }
      rows++;
      expected++;
      last = row;
    }
    if (page.length < PAGE) break;
  }
  if (rows !== Number(head.seq) || (sealedSeq > 0 && head.hash !== prev)) {
    return {
      ok: false,
      rows,
      id: last ? String(last.id) : '-',
      seq: last ? Number(last.seq) : 0,
      reason: rows !== Number(head.seq) ? 'gap' : 'head mismatch',
      detail: `chain head says ${String(head.seq)} rows ending in ${String(head.hash)}`,
    };
  }
  const [unsealed] = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM audit_log WHERE seq IS NULL',
  );
  return { ok: true, rows: sealedSeq, pending: (unsealed?.n ?? 0) + rows - sealedSeq };
}
