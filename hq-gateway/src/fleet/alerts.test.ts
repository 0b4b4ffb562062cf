import { idleDeviceStatus } from 'kiosk-agent/hq/testing/device-status';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TerminalDeviceStatus } from '../api/schemas';
import { appendAudit } from '../db/audit';
import type { Database } from '../db/database';
import { isUniqueViolation } from '../db/database';
import { runMigrations } from '../db/migrate';
import { openPgliteDatabase } from '../db/pglite';
import { upsertTerminal } from '../db/terminals';
import { acknowledgeAlert, evaluateAlerts, listAlerts } from './alerts';
import { recordStatus } from './status';
import { countByState, terminalSummary } from './terminals';

const T0 = new Date('2026-03-02T01:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const SEC = 1000;
const MIN = 60 * SEC;

const ok: TerminalDeviceStatus = idleDeviceStatus;

let db: Database;
let next = 0;

/** A fresh terminal per test, so that rules evaluated fleet-wide see only what the test did to it. */
async function terminal(): Promise<string> {
  const id = `T-ALERT-${String(++next).padStart(4, '0')}`;
  await upsertTerminal(db, { id, name: `store ${next}` });
  return id;
}

async function changesFor(id: string, now: Date) {
  return (await evaluateAlerts(db, now, id)).map((c) => `${c.action}:${c.alert.kind}`);
}

beforeAll(async () => {
  db = await openPgliteDatabase();
  await runMigrations(db);
});
afterAll(async () => {
  await db.close();
});

describe('alert rules (injected clock)', () => {
  it('opens offline after 60 s without contact, once, and closes it on the next heartbeat', async () => {
    const id = await terminal();
    await recordStatus(db, id, { kind: 'snapshot', status: ok }, T0);
    expect(await changesFor(id, at(60 * SEC))).toEqual([]);
    expect(await changesFor(id, at(61 * SEC))).toEqual(['opened:offline']);
    expect(await changesFor(id, at(70 * SEC))).toEqual([]); // still offline: no second alert
    expect((await terminalSummary(db, at(70 * SEC), id))?.state).toBe('offline');
    const beat = await recordStatus(db, id, { kind: 'heartbeat' }, at(75 * SEC));
    expect(beat).toEqual({ applied: true, previousSeenAt: T0 });
    expect(await changesFor(id, at(75 * SEC))).toEqual(['closed:offline']);
    expect((await terminalSummary(db, at(75 * SEC), id))?.state).toBe('online');
  });

  it('never raises offline for a terminal that has never reported', async () => {
    const id = await terminal();
    expect(await changesFor(id, at(24 * 60 * MIN))).toEqual([]);
    expect((await terminalSummary(db, at(0), id))?.state).toBe('offline');
  });

  it('raises a jam only once it has lasted 5 minutes, counted from its start across changes', async () => {
    const id = await terminal();
    await recordStatus(db, id, { kind: 'snapshot', status: ok }, T0);
    await recordStatus(
      db,
      id,
      { kind: 'change', fields: { printer: 'jam', jamWhere: 'fuser' } },
      at(10 * SEC),
    );
    // Another change while still jammed must not restart the 5 minutes.
    await recordStatus(db, id, { kind: 'change', fields: { jamWhere: 'tray 1' } }, at(2 * MIN));
    await recordStatus(db, id, { kind: 'heartbeat' }, at(5 * MIN));
    expect(await changesFor(id, at(5 * MIN))).toEqual([]);
    expect((await terminalSummary(db, at(5 * MIN), id))?.state).toBe('jam');
    expect(await changesFor(id, at(5 * MIN + 10 * SEC))).toEqual(['opened:jam']);
    await recordStatus(db, id, { kind: 'change', fields: { printer: 'idle', jamWhere: null } }, at(6 * MIN));
    expect(await changesFor(id, at(6 * MIN))).toEqual(['closed:jam']);
  });

  it('raises paper out and reader unavailable at once and closes them when cleared', async () => {
    const id = await terminal();
    await recordStatus(db, id, { kind: 'snapshot', status: { ...ok, paperLevel: 'out' } }, T0);
    expect(await changesFor(id, T0)).toEqual(['opened:paperOut']);
    expect((await terminalSummary(db, T0, id))?.state).toBe('paperOut');
    await recordStatus(
      db,
      id,
      { kind: 'change', fields: { paperLevel: 'ok', reader: 'unavailable' } },
      at(SEC),
    );
    expect(await changesFor(id, at(SEC))).toEqual(['closed:paperOut', 'opened:readerUnavailable']);
    expect((await terminalSummary(db, at(SEC), id))?.state).toBe('error');
    await recordStatus(db, id, { kind: 'change', fields: { printer: 'paperOut' } }, at(2 * SEC));
    expect(await changesFor(id, at(2 * SEC))).toEqual(['opened:paperOut']);
  });

  it('raises an unpaid refund once it has waited 24 h at the counter, and closes it when staff pay it', async () => {
    const id = await terminal();
    const owed = { count: 1, totalYen: 300, oldestAt: T0.toISOString() };
    await recordStatus(db, id, { kind: 'snapshot', status: { ...ok, owedRefunds: owed } }, T0);
    expect(await changesFor(id, at(24 * 60 * MIN - SEC))).toEqual(['opened:offline']);
    await recordStatus(db, id, { kind: 'heartbeat' }, at(24 * 60 * MIN));
    expect(await changesFor(id, at(24 * 60 * MIN))).toEqual(['closed:offline', 'opened:refundOwed']);
    const paid = { count: 0, totalYen: 0, oldestAt: null };
    await recordStatus(db, id, { kind: 'change', fields: { owedRefunds: paid } }, at(24 * 60 * MIN + SEC));
    expect(await changesFor(id, at(24 * 60 * MIN + SEC))).toEqual(['closed:refundOwed']);
    // A kiosk on an older agent reports no owedRefunds at all: nothing to raise.
    const old = await terminal();
    const { owedRefunds: _omitted, ...olderAgent } = ok;
    await recordStatus(db, old, { kind: 'snapshot', status: olderAgent }, T0);
    expect(await changesFor(old, at(48 * 60 * MIN))).toEqual(['opened:offline']);
  });

  it('raises repeated authentication failures at 3 refusals within 10 minutes and closes as they age out', async () => {
    const id = await terminal();
    await recordStatus(db, id, { kind: 'snapshot', status: ok }, T0);
    // Each refusal comes with a heartbeat, so the terminal stays online throughout.
    const refuse = async (ms: number) => {
      await recordStatus(db, id, { kind: 'heartbeat' }, at(ms));
      await appendAudit(db, {
        event: 'session.refused',
        at: at(ms),
        terminalId: id,
        code: 'SIGNATURE_INVALID',
      });
    };
    await refuse(0);
    await refuse(5 * MIN);
    expect(await changesFor(id, at(5 * MIN))).toEqual([]);
    await refuse(9 * MIN);
    expect(await changesFor(id, at(9 * MIN))).toEqual(['opened:authFailures']);
    await recordStatus(db, id, { kind: 'heartbeat' }, at(10 * MIN + SEC));
    // The first refusal is now older than 10 minutes: two remain.
    expect(await changesFor(id, at(10 * MIN + SEC))).toEqual(['closed:authFailures']);
  });

  it('keeps one open alert per terminal and kind, even when sweeps race', async () => {
    const id = await terminal();
    await recordStatus(db, id, { kind: 'snapshot', status: { ...ok, printer: 'paperOut' } }, T0);
    const results = await Promise.all([evaluateAlerts(db, T0), evaluateAlerts(db, T0)]);
    const opened = results.flat().filter((c) => c.alert.terminalId === id && c.action === 'opened');
    expect(opened).toHaveLength(1);
    const duplicate = await db
      .query("INSERT INTO alerts (terminal_id, kind, opened_at) VALUES ($1, 'paperOut', now())", [id])
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(isUniqueViolation(duplicate)).toBe(true);
  });

  it('acknowledges an alert once, keeping the first operator, and lists open alerts', async () => {
    const id = await terminal();
    await recordStatus(db, id, { kind: 'snapshot', status: { ...ok, reader: 'unavailable' } }, T0);
    const [change] = await evaluateAlerts(db, T0, id);
    const alertId = change!.alert.id;
    const first = await acknowledgeAlert(db, alertId, 'op-1', at(SEC));
    const second = await acknowledgeAlert(db, alertId, 'op-2', at(2 * SEC));
    expect(first.ok && first.change.alert.acknowledgedBy).toBe('op-1');
    expect(second.ok && second.change.alert).toMatchObject({
      acknowledgedBy: 'op-1',
      acknowledgedAt: at(SEC).toISOString(),
    });
    expect(await acknowledgeAlert(db, '999999999', 'op-1', T0)).toEqual({ ok: false, reason: 'notFound' });
    expect(await acknowledgeAlert(db, 'abc', 'op-1', T0)).toEqual({ ok: false, reason: 'notFound' });
    const open = await listAlerts(db, { open: true, terminalId: id, limit: 10 });
    expect(open.map((a) => a.kind)).toEqual(['readerUnavailable']);
    const counts = await countByState(db, T0);
    expect(counts.error).toBeGreaterThanOrEqual(1);
  });
});
