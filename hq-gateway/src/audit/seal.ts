import type { Database, Queryable } from '../db/database';
import { GENESIS_HASH, rowHash } from './chain';

/** Rows sealed per transaction unless told otherwise: a few hundred ms of peak traffic, a few ms to hash. */
export const DEFAULT_SEAL_BATCH = 5_000;

interface Head {
  seq: number | string;
  hash: string | null;
  sealed_seq: number | string;
}

type AuditRow = Record<string, unknown> & { id: number | string };

interface Sealed {
  id: string;
  seq: number;
  prevHash: string;
  hash: string;
}

/**
 * Gives committed audit rows their place in the hash chain, in one transaction: takes the chain head (or
 * returns 0 at once when another gateway holds it — that one is sealing), reads up to `max` rows without a
 * seq in id order, numbers them from the head on, hashes each over the previous hash and the row exactly as
 * the verifier will read it back, and writes them and the new head in one statement. A row whose transaction
 * commits late (smaller id, not yet visible to this batch) is simply sealed by a later batch with a later seq:
 * the chain's order is seq, not id. Returns how many rows it sealed.
 */
export async function sealAuditChain(db: Database, options: { max?: number } = {}): Promise<number> {
  const max = options.max ?? DEFAULT_SEAL_BATCH;
  return db.transaction(async (tx) => {
    const [head] = await tx.query<Head>(
      'SELECT seq, hash, sealed_seq FROM audit_chain_head WHERE id = 1 FOR UPDATE SKIP LOCKED',
    );
    if (!head) return 0;
    const headSeq = Number(head.seq);
    const sealedSeq = Number(head.sealed_seq);
    // Rows written before migration 0006 already carry a seq but no hash: they come first, in seq order.
    const legacy =
      sealedSeq < headSeq
        ? await tx.query<AuditRow>('SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2', [
            sealedSeq,
            max,
          ])
        : [];
    const fresh =
      sealedSeq + legacy.length === headSeq && legacy.length < max
        ? await tx.query<AuditRow>('SELECT * FROM audit_log WHERE seq IS NULL ORDER BY id LIMIT $1', [
            max - legacy.length,
          ])
        : [];
    if (legacy.length + fresh.length === 0) return 0;

    let prev = head.hash ?? GENESIS_HASH;
    const sealed: Sealed[] = [];
    const link = (row: AuditRow, seq: number) => {
      // Hashed over the row as the verifier's SELECT * will return it: this seq, every other column as read.
      const hash = rowHash(prev, { ...row, seq });
      sealed.push({ id: String(row.id), seq, prevHash: prev, hash });
      prev = hash;
    };
    for (const row of legacy) link(row, Number(row.seq));
    fresh.forEach((row, i) => link(row, headSeq + 1 + i));
    // The last row sealed is the new head (sealed_seq reaches seq once no pre-chain row is left).
    const lastSeq = sealed[sealed.length - 1]?.seq ?? sealedSeq;
    await writeSealed(tx, sealed, { seq: Math.max(headSeq, lastSeq), sealedSeq: lastSeq, hash: prev });
    return sealed.length;
  });
}

/** One statement: every row of the batch (guarded: still unhashed) and the head. */
async function writeSealed(
  tx: Queryable,
  sealed: readonly Sealed[],
  head: { seq: number; sealedSeq: number; hash: string },
): Promise<void> {
  const [result] = await tx.query<{ n: number }>(
    `WITH sealed AS (
       UPDATE audit_log AS a SET seq = u.seq, prev_hash = u.prev_hash, hash = u.hash
       FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) AS u (id, seq, prev_hash, hash)
       WHERE a.id = u.id AND a.hash IS NULL
       RETURNING 1
     )
     UPDATE audit_chain_head SET seq = $5, sealed_seq = $6, hash = $7 WHERE id = 1
     RETURNING (SELECT count(*)::int FROM sealed) AS n`,
    [
      sealed.map((s) => s.id),
      sealed.map((s) => String(s.seq)),
      sealed.map((s) => s.prevHash),
      sealed.map((s) => s.hash),
      head.seq,
      head.sealedSeq,
      head.hash,
    ],
  );
  // Only a row deleted or changed under the head lock gets here; rolling back leaves the chain as it was.
  if (result?.n !== sealed.length) {
    throw new Error(`audit seal wrote ${String(result?.n)} of ${sealed.length} rows; rolled back`);
  }
}
