import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, startGatewayFixture, type GatewayFixture } from '../testing/gateway-fixture';
import { operatorFromCookieHeader, SESSION_COOKIE } from './auth';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from './sessions';
import { addOperator, asOperator, opsCall, opsLogin } from './test-support';

let fx: GatewayFixture;
beforeAll(async () => {
  fx = await startGatewayFixture();
}, 60_000);
afterAll(() => fx?.close());

async function auditEvents(operatorId?: string): Promise<Record<string, unknown>[]> {
  return fx.db.query(
    `SELECT * FROM audit_log WHERE event LIKE 'operator.%' AND ($1::uuid IS NULL OR operator_id = $1) ORDER BY id`,
    [operatorId ?? null],
  );
}

describe('operator login', () => {
  it('logs in: session cookie HttpOnly, Secure, SameSite=Strict, Path=/; /me answers the same CSRF token', async () => {
    const { username, password, operator } = await addOperator(fx, 'viewer');
    const answer = await opsCall(fx, 'POST', '/v1/ops/login', { body: { username, password } });
    expect(answer.status).toBe(200);
    const body = answer.json as { operator: unknown; csrfToken: string };
    expect(body.operator).toEqual(operator);
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookie = answer.setCookies[0] ?? '';
    expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43};`));
    const flags = cookie.split(';').map((part) => part.trim().toLowerCase());
    expect(flags).toEqual(expect.arrayContaining(['httponly', 'secure', 'samesite=strict', 'path=/']));

    const session = cookie.split(';')[0] ?? '';
    const me = await opsCall(fx, 'GET', '/v1/ops/me', { cookie: session });
    expect(me.status).toBe(200);
    expect(me.json).toEqual({ operator, csrfToken: body.csrfToken });
    // The session id is stored only as its SHA-256.
    const stored = await fx.db.query<{ id_sha256: string }>('SELECT id_sha256 FROM operator_sessions');
    expect(stored.some((s) => session.includes(s.id_sha256))).toBe(false);
    expect((await auditEvents(operator.id)).map((r) => r.event)).toEqual(['operator.login_ok']);
    expect(await operatorFromCookieHeader(fx.db, `other=1; ${session}`, fx.clock.now)).toEqual(operator);
    expect(await operatorFromCookieHeader(fx.db, undefined)).toBeNull();
  });

  it('answers an unknown user and a wrong password identically, and audits without names', async () => {
    const { username } = await addOperator(fx, 'operator');
    const wrong = await opsCall(fx, 'POST', '/v1/ops/login', {
      body: { username, password: 'not-the-password' },
    });
    const unknown = await opsCall(fx, 'POST', '/v1/ops/login', {
      body: { username: 'nobody-here', password: 'not-the-password' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.json).toEqual(unknown.json);
    expect(errorCode(wrong.json)).toBe('OPERATOR_UNAUTHENTICATED');
    expect(wrong.setCookies).toEqual([]);
    const failed = await fx.db.query<Record<string, unknown>>(
      `SELECT * FROM audit_log WHERE event = 'operator.login_failed'`,
    );
    expect(failed.length).toBeGreaterThanOrEqual(2);
    const text = JSON.stringify(failed);
    expect(text).not.toContain('nobody-here');
    expect(text).not.toContain(username);
    expect(text).not.toContain('not-the-password');
  });

  it('locks a username after 5 failures in 15 min, even for the right password, then lets it in again', async () => {
    const { username, password } = await addOperator(fx, 'viewer');
    for (let i = 0; i < 5; i++) {
      const answer = await opsCall(fx, 'POST', '/v1/ops/login', {
        body: { username, password: `wrong-${i}` },
      });
      expect(answer.status).toBe(401);
    }
    const locked = await opsCall(fx, 'POST', '/v1/ops/login', { body: { username, password } });
    expect(locked.status).toBe(429);
    expect(errorCode(locked.json)).toBe('LOGIN_THROTTLED');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another username is not affected.
    const other = await addOperator(fx, 'viewer');
    await opsLogin(fx, other.username, other.password);
    fx.clock.advance(15 * 60_000 + 1000);
    await opsLogin(fx, username, password);
  });
});

describe('sessions, CSRF and roles', () => {
  it('requires the CSRF token on anything but GET/HEAD', async () => {
    const { username, password } = await addOperator(fx, 'operator');
    const session = await opsLogin(fx, username, password);
    const path = `/v1/ops/terminals/${fx.terminals.a.id}/staff-code`;
    const missing = await opsCall(fx, 'PUT', path, { cookie: session.cookie, body: { code: '246810' } });
    expect(missing.status).toBe(403);
    expect(errorCode(missing.json)).toBe('CSRF_TOKEN_INVALID');
    const wrong = await opsCall(fx, 'PUT', path, {
      cookie: session.cookie,
      csrf: 'x'.repeat(43),
      body: { code: '246810' },
    });
    expect(wrong.status).toBe(403);
    expect((await opsCall(fx, 'GET', path, { cookie: session.cookie })).status).toBe(200);
    expect((await asOperator(fx, session, 'PUT', path, { code: '246810' })).status).toBe(200);
  });

  it('enforces roles: viewer reads, operator manages staff codes, admin manages operators', async () => {
    const [viewer, operator, admin] = await Promise.all(
      (['viewer', 'operator', 'admin'] as const).map(async (role) => {
        const o = await addOperator(fx, role);
        return opsLogin(fx, o.username, o.password);
      }),
    );
    const staffPath = `/v1/ops/terminals/${fx.terminals.b.id}/staff-code`;
    expect((await opsCall(fx, 'GET', '/v1/ops/me')).status).toBe(401);
    expect((await asOperator(fx, viewer!, 'GET', staffPath)).status).toBe(200);
    const viewerPut = await asOperator(fx, viewer!, 'PUT', staffPath, { code: '1357913' });
    expect(viewerPut.status).toBe(403);
    expect(errorCode(viewerPut.json)).toBe('OPERATOR_FORBIDDEN');
    expect((await asOperator(fx, operator!, 'PUT', staffPath, { code: '1357913' })).status).toBe(200);
    expect((await asOperator(fx, operator!, 'GET', '/v1/ops/operators')).status).toBe(403);
    expect((await asOperator(fx, admin!, 'GET', '/v1/ops/operators')).status).toBe(200);

    // Admin creates an operator with a generated password, who can log in; disabling ends their session.
    const created = await asOperator(fx, admin!, 'POST', '/v1/ops/operators', {
      username: 'new-op',
      role: 'operator',
    });
    expect(created.status).toBe(201);
    const { operator: newOp, password } = created.json as { operator: { id: string }; password: string };
    const newSession = await opsLogin(fx, 'new-op', password);
    expect((await asOperator(fx, newSession, 'GET', '/v1/ops/me')).status).toBe(200);
    expect(
      (await asOperator(fx, admin!, 'PATCH', `/v1/ops/operators/${newOp.id}`, { disabled: true })).status,
    ).toBe(204);
    expect((await asOperator(fx, newSession, 'GET', '/v1/ops/me')).status).toBe(401);
    const audited = await fx.db.query<{ event: string; subject_id: string }>(
      `SELECT event, subject_id FROM audit_log WHERE subject_id = $1 ORDER BY id`,
      [newOp.id],
    );
    expect(audited.map((r) => r.event)).toEqual(['operator.created', 'operator.updated']);
  });

  it('ends a session after 30 min idle, and after 8 h however busy; logout ends it at once', async () => {
    const { username, password } = await addOperator(fx, 'viewer');
    const idle = await opsLogin(fx, username, password);
    fx.clock.advance(SESSION_IDLE_MS - 60_000);
    expect((await asOperator(fx, idle, 'GET', '/v1/ops/me')).status).toBe(200);
    fx.clock.advance(SESSION_IDLE_MS);
    expect((await asOperator(fx, idle, 'GET', '/v1/ops/me')).status).toBe(401);

    const busy = await opsLogin(fx, username, password);
    for (let t = 0; t + 20 * 60_000 < SESSION_ABSOLUTE_MS; t += 20 * 60_000) {
      expect((await asOperator(fx, busy, 'GET', '/v1/ops/me')).status).toBe(200);
      fx.clock.advance(20 * 60_000);
    }
    fx.clock.advance(20 * 60_000);
    expect((await asOperator(fx, busy, 'GET', '/v1/ops/me')).status).toBe(401);

    const session = await opsLogin(fx, username, password);
    const logout = await asOperator(fx, session, 'POST', '/v1/ops/logout');
    expect(logout.status).toBe(204);
    expect(logout.setCookies[0]).toMatch(/^hq_session=;.*Max-Age=0/);
    expect((await asOperator(fx, session, 'GET', '/v1/ops/me')).status).toBe(401);
  });
});

describe('terminal administration (admin)', () => {
  it('creates enrolment codes and revokes terminals, audited with the operator id; operators may not', async () => {
    const [operator, admin] = await Promise.all(
      (['operator', 'admin'] as const).map(async (role) => {
        const o = await addOperator(fx, role);
        return opsLogin(fx, o.username, o.password);
      }),
    );
    const terminalId = 'T-OPS-0001';
    const codePath = `/v1/ops/terminals/${terminalId}/enrollment-codes`;
    expect((await asOperator(fx, operator!, 'POST', codePath, {})).status).toBe(403);
    const created = await asOperator(fx, admin!, 'POST', codePath, { name: 'Store 1' });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ terminalId, code: expect.stringMatching(/^[0-9A-Z-]{24,}$/) });

    expect((await asOperator(fx, operator!, 'POST', `/v1/ops/terminals/${terminalId}/revoke`)).status).toBe(
      403,
    );
    expect((await asOperator(fx, admin!, 'POST', `/v1/ops/terminals/${terminalId}/revoke`)).status).toBe(204);
    expect((await asOperator(fx, admin!, 'POST', `/v1/ops/terminals/${terminalId}/revoke`)).status).toBe(404);
    const rows = await fx.db.query<{ event: string; operator_id: string }>(
      `SELECT event, operator_id FROM audit_log WHERE terminal_id = $1 ORDER BY id`,
      [terminalId],
    );
    expect(rows).toEqual([
      { event: 'terminal.enrollment_code_created', operator_id: admin!.operator.id },
      { event: 'terminal.revoked', operator_id: admin!.operator.id },
    ]);
    // The enrolment code itself is shown once and never audited.
    const code = (created.json as { code: string }).code;
    expect(JSON.stringify(await fx.db.query('SELECT * FROM audit_log'))).not.toContain(code);
  });
});
