import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/postgres';
import { appendAudit } from '../db/audit';
import type { Database } from '../db/database';
import { runMigrations } from '../db/migrate';
import { rowHash } from './chain';
import { sealAuditChain } from './seal';
import { startAuditSealer } from './sealer';
import { verifyAuditChain } from './verify';

/**
 * The chain's guarantees on both engines. PGlite runs one transaction at a time, so concurrent appends, a
 * late commit and racing sealers only really interleave on PostgreSQL with a pool.
 */
describe.each(testEngines)('audit hash chain on $name', (engine) => {
  let db: Database;

  beforeEach(async () => {
    db = await engine.open();
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

  async function sealedRange(): Promise<{ min: number; max: number; pending: number }> {
    const [range] = await db.query<{ min: number; max: number; pending: number }>(
      `SELECT min(seq)::int AS min, max(seq)::int AS max, count(*) FILTER (WHERE seq IS NULL)::int AS pending
       FROM audit_log`,
    );
    if (!range) throw new Error('no range');
    return range;
  }

  it('appends without a place in the chain; a seal chains them, in and out of transactions, and rollbacks', async () => {
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
    // Nothing is chained before the seal: verification reports the rows as pending, not as a break.
    expect(await verifyAuditChain(db)).toEqual({ ok: true, rows: 0, pending: 75 });
    expect(await sealAuditChain(db)).toBe(75);
    expect(await sealAuditChain(db)).toBe(0);
    expect(await verifyAuditChain(db)).toEqual({ ok: true, rows: 75, pending: 0 });
    // The rollback consumed an identity id, never a chain position.
    expect(await sealedRange()).toEqual({ min: 1, max: 75, pending: 0 });
  });

  it("chains what is pending when the gateway's sealer stops, in full batches one after the other", async () => {
    // No tick within the test: only stop()'s last run can seal.
    const sealer = startAuditSealer({ db, logger: pino({ level: 'silent' }), intervalMs: 3_600_000, max: 4 });
    await appendMany(10);
    expect(await verifyAuditChain(db)).toEqual({ ok: true, rows: 0, pending: 10 });
    await sealer.stop();
    expect(await verifyAuditChain(db)).toEqual({ ok: true, rows: 10, pending: 0 });
  });

  it('seals in batches of max, continuing the chain across batches', async () => {
    await appendMany(25);
    expect(await sealAuditChain(db, { max: 10 })).toBe(10);
    expect(await verifyAuditChain(db)).toEqual({ ok: true, rows: 10, pending: 15 });
    expect(await sealAuditChain(db, { max: 10 })).toBe(10);
    expect(await sealAuditChain(db, { max: 10 })).toBe(5);
    expect(await verifyAuditChain(db)).toEqual({ ok: true, rows: 25, pending: 0 });
    // Seq follows id within batches: no late commits here.
    const rows = await db.query<{ seq: number }>('SELECT seq FROM audit_log ORDER BY id');
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  });

  it('chains many appends from parallel transactions, none of which waits on a lock', async () => {
    await appendMany(3);
    await sealAuditChain(db);
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        db.transaction(async (tx) => {
          await appendAudit(tx, { event: 'issuance.created', at: new Date(), terminalId: `T-${i % 7}` });
          await appendAudit(tx, { event: 'issuance.copy_printed', at: new Date(), serial: `S${i}` });
        }),
      ),
    );
    expect(await sealAuditChain(db)).toBe(120);
    expect(await verifyAuditChain(db)).toEqual({ ok: true, rows: 123, pending: 0 });
  });

  it('detects a modified sealed row at that row (hash mismatch)', async () => {
    await appendMany(10);
    await sealAuditChain(db);
    await db.query(`UPDATE audit_log SET event = 'issuance.copy_spoiled' WHERE seq = 4`);
    const result = await verifyAuditChain(db);
    expect(result).toMatchObject({ ok: false, id: await idAtSeq(4), seq: 4, reason: 'hash mismatch' });
  });

  it('detects a deleted row at the row after it (gap), and a deleted last row at the head', async () => {
    await appendMany(10);
    await sealAuditChain(db);
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

  it('detects a sealed row pushed back to pending (seq erased) at the gap it leaves', async () => {
    await appendMany(6);
    await sealAuditChain(db);
    await db.query('UPDATE audit_log SET seq = NULL, prev_hash = NULL, hash = NULL WHERE seq = 3');
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, id: await idAtSeq(4), reason: 'gap' });
    // Sealing again cannot paper over it: the row gets a new place at the end, the hole stays.
    expect(await sealAuditChain(db)).toBe(1);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, seq: 4, reason: 'gap' });
  });

  it('detects a row edited and re-hashed at the next row (prev-hash mismatch), or at the head when last', async () => {
    await appendMany(10);
    await sealAuditChain(db);
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
        await db.query('UPDATE audit_log SET code = NULL, hash = $2 WHERE seq = $1', [seq, row.hash]);
      } else {
        expect(result).toMatchObject({ ok: false, id: await idAtSeq(10), reason: 'head mismatch' });
      }
    }
  });

  it('seals rows written before the chain existed first, in their seq order', async () => {
    await db.query(
      `INSERT INTO audit_log (at, event, seq) VALUES (now(), 'session.opened', 1), (now(), 'session.opened', 2)`,
    );
    await db.query('UPDATE audit_chain_head SET seq = 2, sealed_seq = 0, hash = NULL');
    await appendMany(1);
    expect(await verifyAuditChain(db)).toEqual({ ok: true, rows: 0, pending: 3 });
    expect(await sealAuditChain(db)).toBe(3);
    expect(await verifyAuditChain(db)).toEqual({ ok: true, rows: 3, pending: 0 });
    const hashes = await db.query<{ hash: string | null }>('SELECT hash FROM audit_log ORDER BY seq');
    expect(hashes.every((h) => /^[0-9a-f]{64}$/.test(h.hash ?? ''))).toBe(true);
  });
});

describe.each(testEngines.filter((e) => e.name === 'postgres'))('audit sealing races on $name', (engine) => {
  let db: Database;

  beforeEach(async () => {
    db = await engine.open();
    await runMigrations(db);
  });
  afterEach(async () => {
    await db.close();
  });

  it('seals a row committed late in the next batch, with a later seq than rows committed before it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const insertedYet = new Promise<void>((resolve) => (inserted = resolve));
    const late = db.transaction(async (tx) => {
      await appendAudit(tx, { event: 'issuance.created', at: new Date(), code: 'LATE' });
      inserted();
      await gate;
    });
    await insertedYet;
    for (let i = 0; i < 5; i++) await appendAudit(db, { event: 'session.opened', at: new Date() });
    expect(await sealAuditChain(db)).toBe(5);
    release();
    await late;
    expect(await sealAuditChain(db)).toBe(1);
    const rows = await db.query<{ id: number; seq: number; code: string | null }>(
      'SELECT id, seq, code FROM audit_log ORDER BY id',
    );
    expect(rows[0]).toMatchObject({ code: 'LATE', seq: 6 });
    expect(rows.slice(1).map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(await verifyAuditChain(db)).toEqual({ ok: true, rows: 6, pending: 0 });
  });

  it('lets one of two racing sealers seal; the other returns 0 at once instead of waiting', async () => {
    await Promise.all(
      Array.from({ length: 40 }, () => appendAudit(db, { event: 'session.opened', at: new Date() })),
    );
    // Hold the head as a sealer would: the second sealer must skip, not queue behind it.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const lockedYet = new Promise<void>((resolve) => (locked = resolve));
    const holder = db.transaction(async (tx) => {
      await tx.query('SELECT 1 FROM audit_chain_head WHERE id = 1 FOR UPDATE');
      locked();
      await gate;
    });
    await lockedYet;
    expect(await sealAuditChain(db)).toBe(0);
    release();
    await holder;
    const raced = await Promise.all(Array.from({ length: 4 }, () => sealAuditChain(db)));
    expect(raced.reduce((a, b) => a + b, 0)).toBe(40);
    expect(await verifyAuditChain(db)).toEqual({ ok: true, rows: 40, pending: 0 });
  });
});
