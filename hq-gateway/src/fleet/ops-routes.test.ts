import { idleDeviceStatus } from 'kiosk-agent/hq/testing/device-status';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TerminalDeviceStatus } from '../api/schemas';
import { kioskCall, startGatewayFixture, type GatewayFixture } from '../testing/gateway-fixture';
import {
  AckResponse,
  AlertEvent,
  AlertsResponse,
  HourlyResponse,
  TerminalDetailResponse,
  TerminalListResponse,
  TerminalSummary,
} from './ops-schemas';
import {
  collect,
  connected,
  liveSocket,
  opsCall,
  testOperator,
  type TestOperator,
} from './testing/ops-client';

const status: TerminalDeviceStatus = {
  ...idleDeviceStatus,
  counters: { sessions: 2, authFailures: 0, issuances: 1, pagesPrinted: 3 },
};

let fx: GatewayFixture;
let viewer: TestOperator;
let operator: TestOperator;

const postStatus = (terminal: GatewayFixture['terminals']['a'], body: unknown) =>
  kioskCall(fx, terminal, 'POST', '/v1/kiosk/status', body);

beforeAll(async () => {
  fx = await startGatewayFixture();
  viewer = await testOperator(fx, 'viewer');
  operator = await testOperator(fx, 'operator');
});
afterAll(async () => {
  await fx.close();
});

describe('fleet status and ops read API', () => {
  it('refuses the ops API without a session, and a bad query with VALIDATION_FAILED', async () => {
    expect((await opsCall(fx, null, 'GET', '/v1/ops/terminals')).status).toBe(401);
    const bad = await opsCall(fx, viewer, 'GET', '/v1/ops/terminals?state=bogus');
    expect(bad.status).toBe(400);
    expect((await opsCall(fx, viewer, 'GET', '/v1/ops/issuances/hourly?hours=0')).status).toBe(400);
  });

  it('answers a heartbeat without a snapshot with applied: false, then records heartbeats without history', async () => {
    const b = fx.terminals.b;
    expect((await postStatus(b, { kind: 'heartbeat' })).json).toEqual({ applied: false });
    expect((await postStatus(b, { kind: 'snapshot', status })).json).toEqual({ applied: true });
    fx.clock.advance(15_000);
    expect((await postStatus(b, { kind: 'heartbeat' })).json).toEqual({ applied: true });
    const rows = await fx.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM status_events WHERE terminal_id = $1',
      [b.id],
    );
    expect(rows[0]?.n).toBe(1);
    const seen = await fx.db.query<{ last_seen_at: Date }>(
      'SELECT last_seen_at FROM terminals WHERE id = $1',
      [b.id],
    );
    expect(seen[0]?.last_seen_at.toISOString()).toBe(fx.clock.now.toISOString());
    // The screen is a name, never data: anything else is refused.
    const leak = await postStatus(b, { kind: 'change', fields: { screen: 'pin 1234' } });
    expect(leak.status).toBe(400);
  });

  it('lists terminals with state, status and counts, filtered by state and search', async () => {
    const a = fx.terminals.a;
    await postStatus(a, { kind: 'snapshot', status: { ...status, screen: 'payment' } });
    const all = TerminalListResponse.parse((await opsCall(fx, viewer, 'GET', '/v1/ops/terminals')).json);
    const row = all.terminals.find((t) => t.id === a.id);
    expect(row).toMatchObject({
      state: 'online',
      online: true,
      status: { screen: 'payment' },
      openAlerts: [],
    });
    expect(all.counts.online).toBeGreaterThanOrEqual(2);
    expect(all.terminals.some((t) => t.id === fx.terminals.revoked.id)).toBe(false);

    await postStatus(a, { kind: 'change', fields: { printer: 'jam', jamWhere: 'fuser' } });
    const jams = TerminalListResponse.parse(
      (await opsCall(fx, viewer, 'GET', '/v1/ops/terminals?state=jam')).json,
    );
    expect(jams.terminals.map((t) => t.id)).toEqual([a.id]);
    expect(jams.total).toBe(1);
    expect(jams.counts.jam).toBe(1);
    const search = TerminalListResponse.parse(
      (await opsCall(fx, viewer, 'GET', `/v1/ops/terminals?q=${a.id.slice(-4).toLowerCase()}`)).json,
    );
    expect(search.terminals.map((t) => t.id)).toEqual([a.id]);
    await postStatus(a, { kind: 'change', fields: { printer: 'idle', jamWhere: null } });
  });

  it('pages a terminal timeline newest first and answers 404 for an unknown terminal', async () => {
    const a = fx.terminals.a;
    for (const screen of ['serviceMenu', 'placeCard', 'pin']) {
      await postStatus(a, { kind: 'change', fields: { screen } });
    }
    const first = TerminalDetailResponse.parse(
      (await opsCall(fx, viewer, 'GET', `/v1/ops/terminals/${a.id}?limit=2`)).json,
    );
    expect(first.timeline.map((e) => e.fields.screen)).toEqual(['pin', 'placeCard']);
    expect(first.nextBefore).not.toBeNull();
    const second = TerminalDetailResponse.parse(
      (await opsCall(fx, viewer, 'GET', `/v1/ops/terminals/${a.id}?limit=2&before=${first.nextBefore}`)).json,
    );
    expect(second.timeline[0]?.fields.screen).toBe('serviceMenu');
    expect(Number(second.timeline[0]?.id)).toBeLessThan(Number(first.timeline[1]?.id));
    expect((await opsCall(fx, viewer, 'GET', '/v1/ops/terminals/T-NOPE')).status).toBe(404);
  });

  it('publishes status changes and alerts live; operators acknowledge, viewers cannot', async () => {
    const a = fx.terminals.a;
    await expect(connected(liveSocket(fx, null))).rejects.toThrow(/OPERATOR_UNAUTHENTICATED/);
    const foreign = liveSocket(fx, viewer.cookie, { origin: 'https://evil.example' });
    await expect(connected(foreign)).rejects.toThrow();
    const socket = liveSocket(fx, viewer.cookie);
    await connected(socket);
    const terminals = collect<{ terminal: unknown }>(socket, 'terminal');
    const alerts = collect<unknown>(socket, 'alert');

    await postStatus(a, { kind: 'change', fields: { printer: 'paperOut', paperLevel: 'out' } });
    await expect
      .poll(() => terminals.map((e) => TerminalSummary.parse(e.terminal)).find((t) => t.id === a.id)?.state)
      .toBe('paperOut');
    await expect.poll(() => alerts.length).toBeGreaterThan(0);
    const opened = AlertEvent.parse(alerts[0]);
    expect(opened).toMatchObject({ action: 'opened', alert: { terminalId: a.id, kind: 'paperOut' } });

    const open = AlertsResponse.parse((await opsCall(fx, viewer, 'GET', '/v1/ops/alerts?open=true')).json);
    expect(open.alerts.map((x) => x.id)).toContain(opened.alert.id);
    const ackPath = `/v1/ops/alerts/${opened.alert.id}/ack`;
    expect((await opsCall(fx, viewer, 'POST', ackPath)).status).toBe(403);
    expect((await opsCall(fx, operator, 'POST', ackPath, { csrf: false })).status).toBe(403);
    const acked = await opsCall(fx, operator, 'POST', ackPath);
    expect(acked.status).toBe(200);
    expect(AckResponse.parse(acked.json).alert.acknowledgedBy).toBe(operator.id);
    await expect.poll(() => alerts.map((x) => AlertEvent.parse(x).action)).toContain('acked');
    expect((await opsCall(fx, operator, 'POST', '/v1/ops/alerts/424242/ack')).status).toBe(404);

    await postStatus(a, { kind: 'change', fields: { printer: 'idle', paperLevel: 'ok' } });
    await expect.poll(() => alerts.map((x) => AlertEvent.parse(x).action)).toContain('closed');
    socket.close();
  });

  it('disconnects an open dashboard socket once its operator logs out', async () => {
    const leaving = await testOperator(fx, 'viewer');
    const socket = liveSocket(fx, leaving.cookie);
    await connected(socket);
    expect(socket.connected).toBe(true);
    expect((await opsCall(fx, leaving, 'POST', '/v1/ops/logout')).status).toBeLessThan(300);
    await expect.poll(() => socket.connected, { timeout: 5000 }).toBe(false);
    socket.close();
  });

  it('opens the offline alert from the sweep when a terminal goes silent', async () => {
    const socket = liveSocket(fx, viewer.cookie);
    await connected(socket);
    const alerts = collect<unknown>(socket, 'alert');
    fx.clock.advance(61_000);
    await expect
      .poll(() => alerts.map((x) => AlertEvent.parse(x)).filter((e) => e.alert.kind === 'offline').length, {
        timeout: 10_000,
      })
      .toBeGreaterThanOrEqual(2);
    const offline = AlertsResponse.parse((await opsCall(fx, viewer, 'GET', '/v1/ops/alerts?open=true')).json);
    expect(offline.alerts.filter((x) => x.kind === 'offline').map((x) => x.terminalId)).toEqual(
      expect.arrayContaining([fx.terminals.a.id, fx.terminals.b.id]),
    );
    socket.close();
  });

  it('counts issuances per hour, zero-filled, one entry per hour ending with the current one', async () => {
    const hourly = HourlyResponse.parse(
      (await opsCall(fx, viewer, 'GET', '/v1/ops/issuances/hourly?hours=6')).json,
    );
    expect(hourly.hours).toHaveLength(6);
    const last = new Date(hourly.hours.at(-1)!.hour).getTime();
    expect(last).toBe(Math.floor(fx.clock.now.getTime() / 3_600_000) * 3_600_000);
    expect(hourly.hours.every((h) => h.issuances === 0 && h.copiesPrinted === 0)).toBe(true);
  });
});
