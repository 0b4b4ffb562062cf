import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import { listen, closeServer, serverUrl } from '../server';
import { randomUUID } from 'node:crypto';
import { IssuanceResponse, SessionResponse } from '../api/schemas';
import { verifySignedDocument } from '../issuance/document-signing';
import {
  kioskCall,
  moveClockToOpenHours,
  newChallenge,
  openSession,
  startGatewayFixture,
  type GatewayFixture,
} from '../testing/gateway-fixture';
import { appendAudit } from '../audit/append';
import { sealAuditChain } from '../audit/seal';
import { createMetrics } from './metrics';

let fx: GatewayFixture;
beforeAll(async () => {
  fx = await startGatewayFixture();
}, 60_000);
afterAll(() => fx?.close());

async function scrape(): Promise<string> {
  const answer = await kioskCall(fx, null, 'GET', '/metrics');
  expect(answer.status).toBe(200);
  return answer.text;
}

/** The value of one sample line, 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (wanted.length === 0 && line.startsWith(`${name} `)) return Number(line.slice(name.length + 1));
    if (!line.startsWith(`${name}{`)) continue;
    const inner = line.slice(name.length + 1, line.indexOf('}'));
    const parts = inner.split(',');
    if (wanted.every((w) => parts.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

describe('GET /metrics', () => {
  it('counts requests by route pattern (not URL), errors by code, sessions by outcome; default metrics', async () => {
    const route = { method: 'POST', route: '/v1/kiosk/sessions' };
    const before = await scrape();
    expect(before).toContain('process_cpu_user_seconds_total');
    expect(before).toMatch(/hq_terminals\{state="online"\} \d+/);

    const challenge = await newChallenge(fx, fx.terminals.a);
    const refused = await kioskCall(fx, fx.terminals.a, 'POST', '/v1/kiosk/sessions', {
      challengeId: challenge.challengeId,
      certificate: Buffer.from(fx.unregisteredCard.certificate).toString('base64'),
      signature: Buffer.alloc(256).toString('base64'),
    });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    const code = (refused.json as { error: { code: string } }).error.code;
    await kioskCall(fx, fx.terminals.a, 'GET', '/v1/kiosk/no-such-route/123');

    const after = await scrape();
    const count = (t: string, status: string) =>
      sample(t, 'hq_http_request_duration_seconds_count', { ...route, status });
    const status = String(refused.status);
    expect(count(after, status)).toBe(count(before, status) + 1);
    expect(sample(after, 'hq_errors_total', { code })).toBe(sample(before, 'hq_errors_total', { code }) + 1);
    expect(sample(after, 'hq_sessions_total', { outcome: code })).toBe(
      sample(before, 'hq_sessions_total', { outcome: code }) + 1,
    );
    expect(after).not.toContain('no-such-route');
    expect(
      sample(after, 'hq_http_request_duration_seconds_count', { route: '(unmatched)', status: '404' }),
    ).toBe(
      sample(before, 'hq_http_request_duration_seconds_count', { route: '(unmatched)', status: '404' }) + 1,
    );
  });

  it('shows the audit rows no sealer has chained yet, and how old the oldest is', async () => {
    await sealAuditChain(fx.db);
    const before = await scrape();
    expect(sample(before, 'hq_audit_pending_rows', {})).toBe(0);
    expect(sample(before, 'hq_audit_oldest_pending_seconds', {})).toBe(0);

    // The test gateway runs no sealer: appended rows stay pending until sealed by hand.
    await appendAudit(fx.db, { event: 'session.refused', at: new Date(fx.clock.now.getTime() - 90_000) });
    await appendAudit(fx.db, { event: 'session.refused', at: fx.clock.now });
    const pending = await scrape();
    expect(sample(pending, 'hq_audit_pending_rows', {})).toBe(2);
    expect(sample(pending, 'hq_audit_oldest_pending_seconds', {})).toBe(90);

    await sealAuditChain(fx.db);
    const sealed = await scrape();
    expect(sample(sealed, 'hq_audit_pending_rows', {})).toBe(0);
    expect(sample(sealed, 'hq_audit_oldest_pending_seconds', {})).toBe(0);
  });

  it('counts issuances by certificate type and copies by status', async () => {
    await moveClockToOpenHours(fx);
    const before = await scrape();
    const session = SessionResponse.parse((await openSession(fx, fx.terminals.a)).json);
    const issued = await kioskCall(fx, fx.terminals.a, 'POST', '/v1/kiosk/issuances', {
      sessionId: session.sessionId,
      idempotencyKey: randomUUID(),
      options: {
        type: 'juminhyo',
        members: ['res-yamada-taro'],
        householderAndRelationship: true,
        honseki: false,
        myNumber: false,
        foreignResidentFields: false,
      },
    });
    expect(issued.status).toBe(201);
    const issuance = IssuanceResponse.parse(issued.json);
    const serial = verifySignedDocument(issuance.documents[0]!, fx.documentPublicKeyPem).serial;
    const path = `/v1/kiosk/issuances/${issuance.issuanceId}/copies/${serial}`;
    expect((await kioskCall(fx, fx.terminals.a, 'POST', path, { status: 'printed' })).status).toBe(200);

    const after = await scrape();
    for (const [name, labels] of [
      ['hq_issuances_total', { type: 'juminhyo' }],
      ['hq_copies_total', { status: 'printed' }],
      ['hq_sessions_total', { outcome: 'opened' }],
    ] as const) {
      expect(sample(after, name, labels)).toBe(sample(before, name, labels) + 1);
    }
    const copiesRoute = { route: '/v1/kiosk/issuances/:issuanceId/copies/:serial', status: '200' };
    expect(sample(after, 'hq_http_request_duration_seconds_count', copiesRoute)).toBe(
      sample(before, 'hq_http_request_duration_seconds_count', copiesRoute) + 1,
    );
  });

  it('answers loopback only unless opened', async () => {
    for (const open of [false, true]) {
      const metrics = createMetrics({ db: fx.db, now: () => fx.clock.now }, { open });
      const app = express();
      // What a request from another host looks like to the handler.
      app.use((req, _res, next) => {
        Object.defineProperty(req.socket, 'remoteAddress', { value: '10.1.2.3', configurable: true });
        next();
      });
      app.get('/metrics', metrics.endpoint);
      const server = await listen(app, '127.0.0.1', 0);
      try {
        const answer = await fetch(`${serverUrl(server, '127.0.0.1')}/metrics`);
        expect(answer.status).toBe(open ? 200 : 404);
      } finally {
        await closeServer(server);
      }
    }
  });
});
