import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendAudit } from '../db/audit';
import type { Database } from '../db/database';
import { runMigrations } from '../db/migrate';
import { openPgliteDatabase } from '../db/pglite';
import { rowHash } from './chain';
import { verifyAuditChain } from './verify';

let db: Database;

beforeEach(async () => {
  db = await openPgliteDatabase();
  await runMigrations(db);
});
afterEach(async () => {
  await db.close();
});

async function appendMany(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await appendAudit(db, {
      event: 'issuance.copy_printed',
      at: new Date(),
      serial: `S${i}`,
      terminalId: 'T-1',
    });
  }
}

async function idAtSeq(seq: number): Promise<string> {
  const [row] = await db.query<{ id: number }>('SELECT id FROM audit_log WHERE seq = $1', [seq]);
  return String(row?.id);
}

describe('audit hash chain', () => {
  it('stays intact over many appends, in and out of transactions, concurrent ones and rollbacks', async () => {
    await appendMany(30);
    const concurrent = Array.from({ length: 20 }, (_, i) =>
      db.transaction(async (tx) => {
        await appendAudit(tx, { event: 'session.opened', at: new Date(), terminalId: `T-${i}` });
        await appendAudit(tx, { event: 'session.refused', at: new Date(), code: 'SIGNATURE_INVALID' });
      }),
    );
    const rolledBack = db
      .transaction(async (tx) => {
        await appendAudit(tx, { event: 'issuance.created', at: new Date() });
        throw new Error('abort');
      })
      .catch(() => 'rolled back');
    await Promise.all([...concurrent, rolledBack]);
    await appendMany(5);
    expect(await rolledBack).toBe('rolled back');
    const result = await verifyAuditChain(db);
    expect(result).toEqual({ ok: true, rows: 75, unsealed: 0 });
    // The rollback consumed an identity id, never a chain position.
    const [range] = await db.query<{ min: number; max: number }>(
      'SELECT min(seq)::int AS min, max(seq)::int AS max FROM audit_log',
    );
    expect(range).toEqual({ min: 1, max: 75 });
  });

  it('detects a modified event at that row (hash mismatch)', async () => {
    await appendMany(10);
    await db.query(`UPDATE audit_log SET event = 'issuance.copy_spoiled' WHERE seq = 4`);
    const result = await verifyAuditChain(db);
    expect(result).toMatchObject({ ok: false, id: await idAtSeq(4), seq: 4, reason: 'hash mismatch' });
  });

  it('detects a deleted row at the row after it (gap), and a deleted last row at the head', async () => {
    await appendMany(10);
    await db.query('DELETE FROM audit_log WHERE seq = 6');
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, id: await idAtSeq(7), reason: 'gap' });
    await db.query('DELETE FROM audit_log WHERE seq >= 6');
    expect(await verifyAuditChain(db)).toMatchObject({
      ok: false,
      id: await idAtSeq(5),
      reason: 'gap',
      rows: 5,
    });
  });

  it('detects a row edited and re-hashed at the next row (prev-hash mismatch), or at the head when last', async () => {
    await appendMany(10);
    for (const seq of [3, 10]) {
      const [row] = await db.query<Record<string, unknown> & { prev_hash: string }>(
        'SELECT * FROM audit_log WHERE seq = $1',
        [seq],
      );
      if (!row) throw new Error('missing row');
      const edited = { ...row, code: 'FORGED' };
      await db.query('UPDATE audit_log SET code = $2, hash = $3 WHERE seq = $1', [
        seq,
        'FORGED',
        rowHash(row.prev_hash, edited),
      ]);
      const result = await verifyAuditChain(db);
      if (seq === 3) {
        expect(result).toMatchObject({ ok: false, id: await idAtSeq(4), reason: 'prev-hash mismatch' });
        // Re-chaining every later row as well would still disagree with the locked head: not tested here.
        await db.query('UPDATE audit_log SET code = NULL, hash = $2 WHERE seq = $1', [seq, row.hash]);
      } else {
        expect(result).toMatchObject({ ok: false, id: await idAtSeq(10), reason: 'head mismatch' });
      }
    }
  });

  it('seals rows written before the chain existed at the next append', async () => {
    await db.query(
      `INSERT INTO audit_log (at, event, seq) VALUES (now(), 'session.opened', 1), (now(), 'session.opened', 2)`,
    );
    await db.query('UPDATE audit_chain_head SET seq = 2, sealed_seq = 0, hash = NULL');
    expect(await verifyAuditChain(db)).toEqual({ ok: true, rows: 2, unsealed: 2 });
    await appendMany(1);
    expect(await verifyAuditChain(db)).toEqual({ ok: true, rows: 3, unsealed: 0 });
    const hashes = await db.query<{ hash: string | null }>('SELECT hash FROM audit_log ORDER BY seq');
    expect(hashes.every((h) => /^[0-9a-f]{64}$/.test(h.hash ?? ''))).toBe(true);
  });
});
