import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from 'hq-gateway/db/migrate';
import { openPgliteDatabase } from 'hq-gateway/db/pglite';
import { upsertTerminal } from 'hq-gateway/db/terminals';
import { findOperatorByUsername } from 'hq-gateway/ops/operators';
import { verifyPassword } from 'hq-gateway/ops/password';
import { currentStaffCodes } from 'hq-gateway/ops/staff-codes';
import { StaffCodeCheck } from 'kiosk-agent/staff/staff-code';
import { DEMO_OPERATORS, ensureDemoOperators } from './seed-operators';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'seed-operators-'));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

describe('ensureDemoOperators', () => {
  it('adds admin and viewer with their demo passwords and the staff code at HQ, once', async () => {
    const dbDir = path.join(dataDir, 'hq', 'db');
    const demo = { terminalId: 'T-DEMO-0001', staffCode: '135790' };
    // A data folder seeded before operators existed: the terminal is there, no operator, no HQ staff code.
    const before = await openPgliteDatabase({ dataDir: dbDir });
    await runMigrations(before);
    await upsertTerminal(before, { id: demo.terminalId });
    await before.close();

    expect(await ensureDemoOperators(dataDir, dbDir, demo)).toBe(true);
    expect(await ensureDemoOperators(dataDir, dbDir, demo)).toBe(false);

    const db = await openPgliteDatabase({ dataDir: dbDir });
    try {
      for (const demoOperator of DEMO_OPERATORS) {
        const record = await findOperatorByUsername(db, demoOperator.username);
        expect(record?.role).toBe(demoOperator.role);
        expect(await verifyPassword(demoOperator.password, record?.passwordHash ?? '')).toBe(true);
      }
      expect(DEMO_OPERATORS.map((o) => [o.username, o.password])).toEqual([
        ['admin', 'demo-admin-2026'],
        ['viewer', 'demo-viewer-2026'],
      ]);
      const codes = await currentStaffCodes(db, demo.terminalId);
      expect(codes).toHaveLength(1);
      expect(StaffCodeCheck.of(codes).matches(demo.staffCode)).toBe(true);
    } finally {
      await db.close();
    }
  });
});
