import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaffCodeCheck } from 'kiosk-agent/staff/staff-code';
import { StaffCodeSync, type StaffCodeSource } from 'kiosk-agent/staff/staff-code-sync';
import { StaffCodesResponse } from '../api/schemas';
import { sealAuditChain } from '../audit/seal';
import { verifyAuditChain } from '../audit/verify';
import { errorCode, kioskCall, startGatewayFixture, type GatewayFixture } from '../testing/gateway-fixture';
import { addOperator, asOperator, opsLogin, type OpsSession } from './test-support';

let fx: GatewayFixture;
let operator: OpsSession;
let dir: string;
beforeAll(async () => {
  fx = await startGatewayFixture();
  const o = await addOperator(fx, 'operator');
  operator = await opsLogin(fx, o.username, o.password);
  dir = await mkdtemp(path.join(tmpdir(), 'staff-codes-'));
}, 60_000);
afterAll(async () => {
  await fx?.close();
  await rm(dir, { recursive: true, force: true });
});

const logger = pino({ level: 'silent' });

/** The kiosk's view of HQ for the sync: the real kiosk route over mutual TLS, answers checked by the schema. */
function hqFor(terminal: GatewayFixture['terminals']['a'], online: { up: boolean }): StaffCodeSource {
  return {
    async staffCodes() {
      if (!online.up) throw new Error('HQ_UNAVAILABLE');
      const answer = await kioskCall(fx, terminal, 'GET', '/v1/kiosk/staff-codes');
      if (answer.status !== 200) throw new Error(`HQ ${answer.status}`);
      return StaffCodesResponse.parse(answer.json);
    },
  };
}

describe('staff codes managed at HQ', () => {
  it('set at HQ → kiosk fetch gets the scrypt record only → staff login works offline from the cached file', async () => {
    const code = '86420975';
    const terminal = fx.terminals.a;
    const set = await asOperator(fx, operator, 'PUT', `/v1/ops/terminals/${terminal.id}/staff-code`, {
      code,
    });
    expect(set.status).toBe(200);

    const fetched = await kioskCall(fx, terminal, 'GET', '/v1/kiosk/staff-codes');
    expect(fetched.status).toBe(200);
    expect(fetched.text).not.toContain(code);
    const { codes } = StaffCodesResponse.parse(fetched.json);
    expect(codes).toHaveLength(1);
    // Another terminal gets none of it.
    const other = await kioskCall(fx, fx.terminals.b, 'GET', '/v1/kiosk/staff-codes');
    expect(StaffCodesResponse.parse(other.json).codes).toEqual([]);
    // Only with a terminal certificate.
    expect((await kioskCall(fx, null, 'GET', '/v1/kiosk/staff-codes')).status).toBe(401);

    const file = path.join(dir, 'staff.json');
    const online = { up: true };
    const check = StaffCodeCheck.of([]);
    const sync = new StaffCodeSync({ hq: hqFor(terminal, online), file, check, logger });
    expect(await sync.syncOnce()).toBe(true);
    expect(check.matches(code)).toBe(true);
    expect(check.matches('12345678')).toBe(false);
    expect(await readFile(file, 'utf8')).not.toContain(code);
    expect((await stat(file)).mode & 0o077).toBe(0);

    // HQ unreachable: the sync fails, the cached codes stay, and a kiosk starting now still lets staff in.
    online.up = false;
    expect(await sync.syncOnce()).toBe(false);
    expect(check.matches(code)).toBe(true);
    const restarted = await StaffCodeCheck.load(file);
    expect(restarted.matches(code)).toBe(true);

    // Removed at HQ: the next sync takes it away.
    online.up = true;
    const removed = await asOperator(fx, operator, 'DELETE', `/v1/ops/terminals/${terminal.id}/staff-code`);
    expect(removed.status).toBe(204);
    expect(await sync.syncOnce()).toBe(true);
    expect(check.matches(code)).toBe(false);
    expect((await StaffCodeCheck.load(file)).size).toBe(0);
    await sync.close();
  });

  it('replaces the previous code, validates the format, refuses revoked terminals, audits ids only', async () => {
    const terminal = fx.terminals.b;
    const path_ = `/v1/ops/terminals/${terminal.id}/staff-code`;
    for (const bad of ['12345', '123456789', 'abcdef', '12 3456']) {
      const answer = await asOperator(fx, operator, 'PUT', path_, { code: bad });
      expect(answer.status).toBe(400);
      expect(errorCode(answer.json)).toBe('VALIDATION_FAILED');
    }
    await asOperator(fx, operator, 'PUT', path_, { code: '111222' });
    await asOperator(fx, operator, 'PUT', path_, { code: '333444' });
    const { codes } = StaffCodesResponse.parse(
      (await kioskCall(fx, terminal, 'GET', '/v1/kiosk/staff-codes')).json,
    );
    const check = StaffCodeCheck.of(codes);
    expect([check.size, check.matches('333444'), check.matches('111222')]).toEqual([1, true, false]);

    const revoked = await asOperator(
      fx,
      operator,
      'PUT',
      `/v1/ops/terminals/${fx.terminals.revoked.id}/staff-code`,
      {
        code: '555666',
      },
    );
    expect(revoked.status).toBe(404);

    const rows = await fx.db.query<Record<string, unknown>>(
      `SELECT * FROM audit_log WHERE event LIKE 'staffcode.%' AND terminal_id = $1`,
      [terminal.id],
    );
    expect(rows.map((r) => [r.event, r.operator_id])).toEqual([
      ['staffcode.set', operator.operator.id],
      ['staffcode.set', operator.operator.id],
    ]);
    const everything = JSON.stringify(await fx.db.query('SELECT * FROM audit_log'));
    for (const code of ['111222', '333444', '555666']) expect(everything).not.toContain(code);
    await sealAuditChain(fx.db);
    expect(await verifyAuditChain(fx.db)).toMatchObject({ ok: true, pending: 0 });
  });
});
