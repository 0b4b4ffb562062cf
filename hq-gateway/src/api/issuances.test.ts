import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignedDocument } from '../issuance/document-signing';
import {
  errorCode,
  kioskCall,
  openSession,
  startGatewayFixture,
  type GatewayFixture,
  type TestTerminal,
} from '../testing/gateway-fixture';
import { moveClockToOpenHours } from '../testing/registry-records';
import { IssuanceResponse, SessionResponse } from './schemas';

let fx: GatewayFixture;

beforeAll(async () => {
  fx = await startGatewayFixture();
  await moveClockToOpenHours(fx);
});

afterAll(async () => {
  await fx?.close();
});

async function newSession(terminal: TestTerminal = fx.terminals.a): Promise<string> {
  const answer = await openSession(fx, terminal);
  if (answer.status !== 201) throw new Error(`session failed: ${answer.text}`);
  return SessionResponse.parse(answer.json).sessionId;
}

function issue(body: Record<string, unknown>, terminal: TestTerminal = fx.terminals.a) {
  return kioskCall(fx, terminal, 'POST', '/v1/kiosk/issuances', body);
}

/** 山田太郎's own 住民票 with 世帯主・続柄: what a walk-in user gets by tapping "next". */
const JUMINHYO_SELF = {
  type: 'juminhyo',
  members: ['res-yamada-taro'],
  householderAndRelationship: true,
  honseki: false,
  myNumber: false,
  foreignResidentFields: false,
};

function request(sessionId: string, extra: Record<string, unknown> = {}) {
  return { sessionId, idempotencyKey: randomUUID(), options: JUMINHYO_SELF, ...extra };
}

describe('issuing a 住民票の写し', () => {
  it('returns one signed document per copy, bound to the session, the card and the terminal', async () => {
    const sessionId = await newSession();
    const answer = await issue(request(sessionId, { copies: 2 }));
    expect(answer.status).toBe(201);
    const issuance = IssuanceResponse.parse(answer.json);
    expect(issuance.feeYen).toBe(600);
    expect(issuance.documents).toHaveLength(2);

    const docs = issuance.documents.map((d) => verifySignedDocument(d, fx.documentPublicKeyPem));
    const certSha256 = createHash('sha256').update(fx.taroCard.certificate).digest('hex');
    for (const [i, doc] of docs.entries()) {
      expect(doc).toMatchObject({
        type: 'juminhyo',
        issuanceId: issuance.issuanceId,
        sessionId,
        terminalId: fx.terminals.a.id,
        cardCertificateSha256: certSha256,
        copy: { index: i + 1, of: 2 },
        municipality: { code: '139998', name: '葵市', prefecture: '東京都', mayor: '青木 誠一' },
        version: 2,
        content: {
          type: 'juminhyo',
          address: '東京都葵市緑町一丁目2番3号',
          householder: '山田\u3000太郎',
          wholeHousehold: false,
        },
      });
      expect(doc.content.type === 'juminhyo' && doc.content.persons.map((p) => p.name)).toEqual([
        '山田\u3000太郎',
      ]);
      expect(doc.issuedAt).toBe(fx.clock.now.toISOString());
    }
    expect(new Set(docs.map((d) => d.serial)).size).toBe(2);

    const copies = await fx.db.query<{ serial: string; status: string; fee_yen: number }>(
      'SELECT serial, status, fee_yen FROM issuance_copies WHERE issuance_id = $1 ORDER BY copy_index',
      [issuance.issuanceId],
    );
    expect(copies).toEqual(docs.map((d) => ({ serial: d.serial, status: 'issued', fee_yen: 300 })));
  });

  it('answers a retry with the same key with the identical body, and issues nothing new', async () => {
    const sessionId = await newSession();
    const body = request(sessionId);
    const first = await issue(body);
    const again = await issue(body);
    // The same options spelt in another key order, and the default number of copies spelt out.
    const reordered = Object.fromEntries(Object.entries(JUMINHYO_SELF).reverse());
    const withDefaultSpelledOut = await issue({ ...body, copies: 1, options: reordered });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.text).toBe(first.text);
    expect(withDefaultSpelledOut.text).toBe(first.text);
    const rows = await fx.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM issuances WHERE idempotency_key = $1',
      [body.idempotencyKey],
    );
    expect(rows[0]?.n).toBe(1);
  });

  it('gives concurrent duplicates one issuance and one answer', async () => {
    const sessionId = await newSession();
    const body = request(sessionId, { copies: 2 });
    const answers = await Promise.all([issue(body), issue(body), issue(body)]);
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    // The issuance, its copies and its audit row are one statement: the losers wrote none of them.
    const [written] = await fx.db.query<{ copies: number; audited: number }>(
      `SELECT (SELECT count(*)::int FROM issuance_copies c JOIN issuances i ON i.id = c.issuance_id
               WHERE i.idempotency_key = $1) AS copies,
              (SELECT count(*)::int FROM audit_log a JOIN issuances i ON i.id = a.issuance_id
               WHERE i.idempotency_key = $1 AND a.event = 'issuance.created') AS audited`,
      [body.idempotencyKey],
    );
    expect(written).toEqual({ copies: 2, audited: 1 });
  });

  it('refuses the same key with a different request: 409 IDEMPOTENCY_CONFLICT', async () => {
    const sessionId = await newSession();
    const body = request(sessionId);
    expect((await issue(body)).status).toBe(201);
    const changed = await issue({ ...body, copies: 3 });
    expect(changed.status).toBe(409);
    expect(errorCode(changed.json)).toBe('IDEMPOTENCY_CONFLICT');
    const otherOptions = await issue({ ...body, options: { ...JUMINHYO_SELF, myNumber: true } });
    expect([otherOptions.status, errorCode(otherOptions.json)]).toEqual([409, 'IDEMPOTENCY_CONFLICT']);
  });

  it('does not know another terminal’s session or a made-up one', async () => {
    const sessionOfB = await newSession(fx.terminals.b);
    const foreign = await issue(request(sessionOfB));
    expect([foreign.status, errorCode(foreign.json)]).toEqual([404, 'SESSION_NOT_FOUND']);
    const madeUp = await issue(request(randomUUID()));
    expect(errorCode(madeUp.json)).toBe('SESSION_NOT_FOUND');
  });

  it('refuses an expired session but still replays what it answered before', async () => {
    const sessionId = await newSession();
    const before = request(sessionId);
    const first = await issue(before);
    fx.clock.advance(10 * 60_000 + 1);
    const late = await issue(request(sessionId));
    expect([late.status, errorCode(late.json)]).toEqual([410, 'SESSION_EXPIRED']);
    const replay = await issue(before);
    expect(replay.status).toBe(201);
    expect(replay.text).toBe(first.text);
  });

  it.each([
    ['no copies', { copies: 0 }],
    ['too many copies', { copies: 11 }],
    ['copies as text', { copies: 'two' }],
    ['no options', { options: undefined }],
    ['an unknown certificate type', { options: { type: 'passport' } }],
    ['an option of another type', { options: { ...JUMINHYO_SELF, scope: 'all' } }],
    ['no members', { options: { ...JUMINHYO_SELF, members: [] } }],
    ['the v1 certificateType field', { certificateType: 'juminhyo' }],
    ['a malformed idempotency key', { idempotencyKey: 'abc' }],
  ])('refuses %s with 400', async (_label, extra) => {
    const answer = await issue(request(randomUUID(), extra));
    expect(answer.status).toBe(400);
    expect(errorCode(answer.json)).toBe('VALIDATION_FAILED');
  });
});

describe('reporting copies', () => {
  async function issued(copies: number) {
    const answer = await issue(request(await newSession(), { copies }));
    const issuance = IssuanceResponse.parse(answer.json);
    const serials = issuance.documents.map((d) => verifySignedDocument(d, fx.documentPublicKeyPem).serial);
    return { issuanceId: issuance.issuanceId, serials };
  }

  function report(
    issuanceId: string,
    serial: string,
    status: string,
    terminal: TestTerminal = fx.terminals.a,
  ) {
    return kioskCall(fx, terminal, 'POST', `/v1/kiosk/issuances/${issuanceId}/copies/${serial}`, { status });
  }

  it('records printed and spoiled once each, accepts retries and audits only the change', async () => {
    const { issuanceId, serials } = await issued(2);
    const [first, second] = serials as [string, string];
    const printed = await report(issuanceId, first, 'printed');
    expect([printed.status, printed.json]).toEqual([200, { serial: first, status: 'printed' }]);
    expect((await report(issuanceId, first, 'printed')).status).toBe(200);
    const spoiled = await report(issuanceId, second, 'spoiled');
    expect(spoiled.json).toEqual({ serial: second, status: 'spoiled' });

    const rows = await fx.db.query<{ serial: string; status: string }>(
      'SELECT serial, status FROM issuance_copies WHERE issuance_id = $1 ORDER BY copy_index',
      [issuanceId],
    );
    expect(rows).toEqual([
      { serial: first, status: 'printed' },
      { serial: second, status: 'spoiled' },
    ]);
    const audit = await fx.db.query<{ event: string }>(
      'SELECT event FROM audit_log WHERE issuance_id = $1 ORDER BY id',
      [issuanceId],
    );
    expect(audit.map((a) => a.event)).toEqual([
      'issuance.created',
      'issuance.copy_printed',
      'issuance.copy_spoiled',
    ]);
  });

  it('refuses to turn a printed copy into a spoiled one', async () => {
    const { issuanceId, serials } = await issued(1);
    const serial = serials[0] ?? '';
    await report(issuanceId, serial, 'printed');
    const answer = await report(issuanceId, serial, 'spoiled');
    expect([answer.status, errorCode(answer.json)]).toEqual([409, 'IDEMPOTENCY_CONFLICT']);
  });

  it('does not know unknown serials, unknown issuances or another terminal’s issuance', async () => {
    const { issuanceId, serials } = await issued(1);
    const serial = serials[0] ?? '';
    const unknownSerial = await report(issuanceId, '139998-000000-ABCDEFGHJK', 'printed');
    expect([unknownSerial.status, errorCode(unknownSerial.json)]).toEqual([404, 'COPY_NOT_FOUND']);
    const unknownIssuance = await report(randomUUID(), serial, 'printed');
    expect(errorCode(unknownIssuance.json)).toBe('ISSUANCE_NOT_FOUND');
    const foreign = await report(issuanceId, serial, 'printed', fx.terminals.b);
    expect(errorCode(foreign.json)).toBe('ISSUANCE_NOT_FOUND');
  });

  it('validates path and body', async () => {
    const { issuanceId, serials } = await issued(1);
    expect((await report('not-a-uuid', serials[0] ?? '', 'printed')).status).toBe(400);
    expect((await report(issuanceId, 'lower-case', 'printed')).status).toBe(400);
    const badStatus = await report(issuanceId, serials[0] ?? '', 'lost');
    expect([badStatus.status, errorCode(badStatus.json)]).toEqual([400, 'VALIDATION_FAILED']);
  });
});
