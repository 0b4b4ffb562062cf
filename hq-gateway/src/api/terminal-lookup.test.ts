import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Queryable } from '../db/database';
import { runMigrations } from '../db/migrate';
import { openPgliteDatabase } from '../db/pglite';
import { revokeTerminalRecord, upsertTerminal } from '../db/terminals';
import { batchedTerminalLookup } from './terminal-lookup';

let db: Database;
beforeAll(async () => {
  db = await openPgliteDatabase();
  await runMigrations(db);
  for (const id of ['T-LOOK-1', 'T-LOOK-2', 'T-LOOK-3']) await upsertTerminal(db, { id });
}, 60_000);
afterAll(() => db?.close());

/** The database, counting the statements that reach it. */
function counting(target: Queryable): Queryable & { statements: number } {
  const wrapped = {
    statements: 0,
    query: <T extends object>(sql: string, params?: readonly unknown[]) => {
      wrapped.statements += 1;
      return target.query<T>(sql, params);
    },
    exec: (sql: string) => target.exec(sql),
  };
  return wrapped;
}

describe('batched terminal lookup', () => {
  it('answers the lookups asked together with one query, each with its own terminal', async () => {
    const counted = counting(db);
    const lookup = batchedTerminalLookup(counted);
    const answers = await Promise.all(
      ['T-LOOK-1', 'T-LOOK-2', 'T-LOOK-1', 'T-NOBODY'].map((id) => lookup(id)),
    );
    expect(counted.statements).toBe(1);
    expect(answers).toEqual([
      { certSha256: null, revoked: false },
      { certSha256: null, revoked: false },
      { certSha256: null, revoked: false },
      null,
    ]);
  });

  it('queries afresh for a lookup asked after a revocation committed: nothing is cached', async () => {
    const counted = counting(db);
    const lookup = batchedTerminalLookup(counted);
    expect(await lookup('T-LOOK-3')).toEqual({ certSha256: null, revoked: false });
    await revokeTerminalRecord(db, 'T-LOOK-3', new Date());
    expect(await lookup('T-LOOK-3')).toEqual({ certSha256: null, revoked: true });
    expect(counted.statements).toBe(2);
  });

  it('fails every lookup of a batch whose query failed, and recovers for the next batch', async () => {
    let fail = true;
    const flaky: Queryable = {
      query: (sql, params) => (fail ? Promise.reject(new Error('database down')) : db.query(sql, params)),
      exec: (sql) => db.exec(sql),
    };
    const lookup = batchedTerminalLookup(flaky);
    const failed = await Promise.allSettled([lookup('T-LOOK-1'), lookup('T-LOOK-2')]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await lookup('T-LOOK-1')).toEqual({ certSha256: null, revoked: false });
  });
});
