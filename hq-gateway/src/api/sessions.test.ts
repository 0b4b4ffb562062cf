import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueUserAuthCertificate } from '../pki/test-pki';
import {
  errorCode,
  kioskCall,
  newChallenge,
  openSession,
  sessionBody,
  startGatewayFixture,
  type GatewayFixture,
  type TestTerminal,
} from '../testing/gateway-fixture';
import { HqErrorBody, SessionResponse, type ChallengeResponse } from './schemas';

let fx: GatewayFixture;

beforeAll(async () => {
  fx = await startGatewayFixture();
});

afterAll(async () => {
  await fx?.close();
});

/** Posts 山田 太郎's card signature over `challenge` (made for `signerId`) from `terminal`. */
function postSession(terminal: TestTerminal, challenge: ChallengeResponse, signerId: string) {
  return kioskCall(fx, terminal, 'POST', '/v1/kiosk/sessions', sessionBody(fx.taroCard, challenge, signerId));
}

describe('routing and terminal authentication', () => {
  it('answers health without credentials', async () => {
    const answer = await kioskCall(fx, null, 'GET', '/v1/health');
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ status: 'ok' });
  });

  it('answers unknown routes with 404 NOT_FOUND in the error body', async () => {
    const open = await kioskCall(fx, null, 'GET', '/v1/nothing-here');
    expect(open.status).toBe(404);
    expect(errorCode(open.json)).toBe('NOT_FOUND');
    const kiosk = await kioskCall(fx, fx.terminals.a, 'GET', '/v1/kiosk/challenges');
    expect(kiosk.status).toBe(404);
    expect(errorCode(kiosk.json)).toBe('NOT_FOUND');
  });

  // The full mutual-TLS matrix (foreign CA, expired, superseded, …) is in terminal-auth.test.ts.
  it.each([
    ['no client certificate', null],
    ['a revoked terminal', 'revoked'],
  ] as const)('refuses %s with 401 TERMINAL_UNAUTHENTICATED', async (_label, who) => {
    const terminal = who === 'revoked' ? fx.terminals.revoked : who;
    const answer = await kioskCall(fx, terminal, 'POST', '/v1/kiosk/challenges', {
      purpose: 'kiosk-session',
    });
    expect(answer.status).toBe(401);
    expect(errorCode(answer.json)).toBe('TERMINAL_UNAUTHENTICATED');
  });

  it('serves the document-signing public key to terminals', async () => {
    const answer = await kioskCall(fx, fx.terminals.a, 'GET', '/v1/kiosk/document-key');
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      algorithm: 'Ed25519',
      keyId: fx.documentKey.keyId,
      publicKeyPem: fx.documentPublicKeyPem,
    });
  });
});

describe('request validation', () => {
  it('answers malformed JSON with 400 VALIDATION_FAILED', async () => {
    const answer = await kioskCall(fx, fx.terminals.a, 'POST', '/v1/kiosk/challenges', undefined, {
      raw: '{"purpose": "kiosk-session"',
    });
    expect(answer.status).toBe(400);
    expect(errorCode(answer.json)).toBe('VALIDATION_FAILED');
  });

  it('lists every missing field', async () => {
    const answer = await kioskCall(fx, fx.terminals.a, 'POST', '/v1/kiosk/sessions', {});
    expect(answer.status).toBe(400);
    const body = HqErrorBody.parse(answer.json);
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.issues?.map((i) => i.path).sort()).toEqual(['certificate', 'challengeId', 'signature']);
  });

  it('refuses wrong types, bad formats, unknown fields and unknown purposes', async () => {
    const bodies = [
      { challengeId: 42, certificate: 'AAAA', signature: 'AAAA' },
      { challengeId: randomUUID(), certificate: 'not base64!', signature: 'AAAA' },
      { challengeId: randomUUID(), certificate: 'AAAA', signature: 'AAAA', extra: true },
    ];
    for (const body of bodies) {
      const answer = await kioskCall(fx, fx.terminals.a, 'POST', '/v1/kiosk/sessions', body);
      expect(answer.status).toBe(400);
      expect(errorCode(answer.json)).toBe('VALIDATION_FAILED');
    }
    const purpose = await kioskCall(fx, fx.terminals.a, 'POST', '/v1/kiosk/challenges', {
      purpose: 'pin-reset',
    });
    expect(purpose.status).toBe(400);
    expect(HqErrorBody.parse(purpose.json).error.issues?.[0]?.path).toBe('purpose');
  });

  it('refuses a JSON array, a non-JSON content type and an oversized body', async () => {
    const array = await kioskCall(fx, fx.terminals.a, 'POST', '/v1/kiosk/challenges', [1, 2]);
    expect(array.status).toBe(400);
    const text = await kioskCall(fx, fx.terminals.a, 'POST', '/v1/kiosk/challenges', undefined, {
      raw: 'purpose=kiosk-session',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(400);
    expect(errorCode(text.json)).toBe('VALIDATION_FAILED');
    const huge = await kioskCall(fx, fx.terminals.a, 'POST', '/v1/kiosk/sessions', {
      challengeId: randomUUID(),
      certificate: 'A'.repeat(40_000),
      signature: 'AAAA',
    });
    expect(huge.status).toBe(413);
    expect(errorCode(huge.json)).toBe('VALIDATION_FAILED');
  });
});

describe('challenges', () => {
  it('hands out 32 random bytes valid for 60 seconds', async () => {
    const a = await newChallenge(fx, fx.terminals.a);
    const b = await newChallenge(fx, fx.terminals.a);
    expect(Buffer.from(a.nonce, 'base64')).toHaveLength(32);
    expect(a.nonce).not.toBe(b.nonce);
    expect(Date.parse(a.expiresAt) - fx.clock.now.getTime()).toBe(60_000);
  });
});

describe('opening a session', () => {
  it('opens a 10-minute session for a registered card and audits it', async () => {
    const answer = await openSession(fx, fx.terminals.a);
    expect(answer.status).toBe(201);
    const session = SessionResponse.parse(answer.json);
    expect(session.municipality).toEqual({ code: '139998', name: '葵市' });
    // Every certificate of the municipality with its fee; services are those available at this hour.
    expect(session.offer.map((o) => [o.certificate, o.feeYen])).toEqual([
      ['juminhyo', 300],
      ['sealRegistration', 300],
      ['taxIncome', 300],
      ['koseki', 450],
      ['kosekiFuhyo', 300],
    ]);
    expect(session.services.every((s) => session.offer.some((o) => o.certificate === s))).toBe(true);
    expect(Date.parse(session.expiresAt) - fx.clock.now.getTime()).toBe(10 * 60_000);
    const audit = await fx.db.query<{ card_id: string; resident_id: string; terminal_id: string }>(
      "SELECT card_id, resident_id, terminal_id FROM audit_log WHERE event = 'session.opened' AND session_id = $1",
      [session.sessionId],
    );
    expect(audit).toEqual([
      { card_id: 'demo-taro', resident_id: 'res-yamada-taro', terminal_id: 'T-TEST-0001' },
    ]);
  });

  it('accepts a challenge once: the replay is CHALLENGE_USED', async () => {
    const challenge = await newChallenge(fx, fx.terminals.a);
    const body = sessionBody(fx.taroCard, challenge, fx.terminals.a.id);
    expect((await kioskCall(fx, fx.terminals.a, 'POST', '/v1/kiosk/sessions', body)).status).toBe(201);
    const replay = await kioskCall(fx, fx.terminals.a, 'POST', '/v1/kiosk/sessions', body);
    expect(replay.status).toBe(409);
    expect(errorCode(replay.json)).toBe('CHALLENGE_USED');
  });

  it('lets only one of two concurrent uses of a challenge win', async () => {
    const challenge = await newChallenge(fx, fx.terminals.a);
    const body = sessionBody(fx.taroCard, challenge, fx.terminals.a.id);
    const answers = await Promise.all(
      [1, 2, 3].map(() => kioskCall(fx, fx.terminals.a, 'POST', '/v1/kiosk/sessions', body)),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409]);
  });

  it('refuses a challenge after 60 seconds', async () => {
    const challenge = await newChallenge(fx, fx.terminals.a);
    fx.clock.advance(60_001);
    const answer = await postSession(fx.terminals.a, challenge, fx.terminals.a.id);
    expect(answer.status).toBe(410);
    expect(errorCode(answer.json)).toBe('CHALLENGE_EXPIRED');
  });

  it('does not know another terminal’s challenge, and that attempt does not spend it', async () => {
    const challenge = await newChallenge(fx, fx.terminals.a);
    const stolen = await postSession(fx.terminals.b, challenge, fx.terminals.b.id);
    expect(stolen.status).toBe(404);
    expect(errorCode(stolen.json)).toBe('CHALLENGE_NOT_FOUND');
    const own = await postSession(fx.terminals.a, challenge, fx.terminals.a.id);
    expect(own.status).toBe(201);
  });

  it('does not know a challenge id it never issued', async () => {
    const challenge = { challengeId: randomUUID(), nonce: 'AAAA', expiresAt: new Date().toISOString() };
    const answer = await postSession(fx.terminals.a, challenge, fx.terminals.a.id);
    expect(errorCode(answer.json)).toBe('CHALLENGE_NOT_FOUND');
  });

  it('refuses a signature made for another terminal with 401, and the challenge is spent', async () => {
    const challenge = await newChallenge(fx, fx.terminals.a);
    const wrong = await postSession(fx.terminals.a, challenge, fx.terminals.b.id);
    expect(wrong.status).toBe(401);
    expect(errorCode(wrong.json)).toBe('SIGNATURE_INVALID');
    const retry = await postSession(fx.terminals.a, challenge, fx.terminals.a.id);
    expect(errorCode(retry.json)).toBe('CHALLENGE_USED');
  });

  it('refuses malformed, expired and unregistered certificates with their own codes', async () => {
    const malformed = await newChallenge(fx, fx.terminals.a);
    const garbage = await kioskCall(fx, fx.terminals.a, 'POST', '/v1/kiosk/sessions', {
      ...sessionBody(fx.taroCard, malformed, fx.terminals.a.id),
      certificate: Buffer.from('not a certificate').toString('base64'),
    });
    expect([garbage.status, errorCode(garbage.json)]).toEqual([401, 'CERTIFICATE_MALFORMED']);

    const expiredCard = await issueUserAuthCertificate(
      fx.ca,
      { id: 'EXPIRED1' },
      { notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') },
    );
    const expired = await openSession(fx, fx.terminals.a, expiredCard);
    expect([expired.status, errorCode(expired.json)]).toEqual([401, 'CERTIFICATE_EXPIRED']);

    const unregistered = await openSession(fx, fx.terminals.a, fx.unregisteredCard);
    expect([unregistered.status, errorCode(unregistered.json)]).toEqual([403, 'CARD_NOT_REGISTERED']);

    const refused = await fx.db.query<{ code: string }>(
      "SELECT code FROM audit_log WHERE event = 'session.refused' ORDER BY id",
    );
    expect(refused.map((r) => r.code)).toEqual(
      expect.arrayContaining(['CERTIFICATE_MALFORMED', 'CERTIFICATE_EXPIRED', 'CARD_NOT_REGISTERED']),
    );
  });
});

describe('what is written down', () => {
  it('logs events with request and terminal ids but nothing personal or secret', async () => {
    const lines = fx.logs.join('');
    expect(lines).toContain('"event":"session.opened"');
    expect(lines).toContain('"event":"session.refused"');
    expect(lines).toMatch(/"event":"http.request".*"terminalId":"T-TEST-0001"/);
    expect(lines).toMatch(/"requestId":"[0-9a-f-]{36}"/);
    const certificateBase64 = Buffer.from(fx.taroCard.certificate).toString('base64');
    for (const secret of [
      '山田',
      '太郎',
      '緑町',
      fx.terminals.a.keyPem.slice(40, 100),
      certificateBase64.slice(40, 100),
    ]) {
      expect(lines).not.toContain(secret);
    }
  });

  it('keeps the audit log free of personal data', async () => {
    const rows = await fx.db.query('SELECT * FROM audit_log');
    expect(rows.length).toBeGreaterThan(3);
    expect(JSON.stringify(rows)).not.toMatch(/山田|太郎|緑町|葵/);
  });
});
