import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/postgres';
import { consumeChallenge, insertChallenge } from './challenges';
import type { Database } from './database';
import { runMigrations } from './migrate';
import { upsertTerminal } from './terminals';

/**
 * The stores' guarantees on both engines. PGlite runs one statement at a time, so races only show on
 * PostgreSQL with a pool — which is what several gateways give in production.
 */
describe.each(testEngines)('stores on $name', (engine) => {
  let db: Database;
  const at = new Date('2026-03-01T10:00:00Z');

  beforeAll(async () => {
    db = await engine.open();
    await runMigrations(db);
    await upsertTerminal(db, { id: 'T-STORE-1' });
    await upsertTerminal(db, { id: 'T-STORE-2' });
  });

  afterAll(async () => {
    await db?.close();
  });

  async function challenge(terminalId: string | null, expiresInMs = 60_000): Promise<string> {
    const id = randomUUID();
    await insertChallenge(db, {
      id,
      terminalId,
      purpose: terminalId === null ? 'app-pin-reset' : 'kiosk-session',
      nonce: 'bm9uY2U=',
      createdAt: at,
      expiresAt: new Date(at.getTime() + expiresInMs),
    });
    return id;
  }

  it('hands a challenge out once, even to concurrent consumers', async () => {
    const id = await challenge('T-STORE-1');
    const results = await Promise.all(
      Array.from({ length: 8 }, () => consumeChallenge(db, { id, terminalId: 'T-STORE-1', at })),
    );
    expect(results.filter((r) => r.ok)).toEqual([{ ok: true, nonce: 'bm9uY2U=', purpose: 'kiosk-session' }]);
    expect(results.filter((r) => !r.ok)).toEqual(Array(7).fill({ ok: false, code: 'CHALLENGE_USED' }));
  });

  it("refuses an expired challenge and hides another terminal's", async () => {
    const expired = await challenge('T-STORE-1', 1_000);
    const later = new Date(at.getTime() + 2_000);
    expect(await consumeChallenge(db, { id: expired, terminalId: 'T-STORE-1', at: later })).toEqual({
      ok: false,
      code: 'CHALLENGE_EXPIRED',
    });
    const other = await challenge('T-STORE-1');
    expect(await consumeChallenge(db, { id: other, terminalId: 'T-STORE-2', at })).toEqual({
      ok: false,
      code: 'CHALLENGE_NOT_FOUND',
    });
    expect(await consumeChallenge(db, { id: other, terminalId: null, at })).toEqual({
      ok: false,
      code: 'CHALLENGE_NOT_FOUND',
    });
  });

  it('keeps timestamps exact (timestamptz bound as ISO strings comes back as the same instant)', async () => {
    const id = await challenge(null);
    const rows = await db.query<{ created_at: Date; expires_at: Date }>(
      'SELECT created_at, expires_at FROM challenges WHERE id = $1',
      [id],
    );
    expect(rows).toEqual([{ created_at: at, expires_at: new Date(at.getTime() + 60_000) }]);
  });
});
