import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignedDocument } from '../issuance/document-signing';
import { jst, jstInstant } from '../issuance/jst';
import { verifySealOffline } from '../issuance/seal';
import {
  errorCode,
  kioskCall,
  openSession,
  registerTestCard,
  startGatewayFixture,
  type GatewayFixture,
} from '../testing/gateway-fixture';
import { moveClockToOpenHours } from '../testing/registry-records';
import type { IssuedCertificate } from '../pki/test-pki';
import {
  HqErrorBody,
  IssuanceResponse,
  OfferResponse,
  SessionResponse,
  type CertificateType,
} from './schemas';

let fx: GatewayFixture;
const cards: Record<string, IssuedCertificate> = {};

beforeAll(async () => {
  fx = await startGatewayFixture();
  await moveClockToOpenHours(fx);
  for (const id of [
    'res-nguyen-van-an',
    'res-suzuki-michiko',
    'res-takahashi-jiro',
    'res-ito-mai',
    'res-yoshida-kazuo',
  ]) {
    cards[id] = (await registerTestCard(fx, { residentId: id })).userAuth;
  }
});

afterAll(async () => {
  await fx?.close();
});

const terminal = () => fx.terminals.a;

async function session(card: IssuedCertificate = fx.taroCard): Promise<SessionResponse> {
  const answer = await openSession(fx, terminal(), card);
  if (answer.status !== 201) throw new Error(`session failed: ${answer.text}`);
  return SessionResponse.parse(answer.json);
}

async function offer(sessionId: string) {
  return kioskCall(fx, terminal(), 'GET', `/v1/kiosk/sessions/${sessionId}/offer`);
}

function issue(sessionId: string, options: Record<string, unknown>, copies = 1) {
  return kioskCall(fx, terminal(), 'POST', '/v1/kiosk/issuances', {
    sessionId,
    idempotencyKey: randomUUID(),
    options,
    copies,
  });
}

const self = (memberId: string, extra: Record<string, unknown> = {}) => ({
  type: 'juminhyo',
  members: [memberId],
  householderAndRelationship: true,
  honseki: false,
  myNumber: false,
  foreignResidentFields: false,
  ...extra,
});

describe('GET /v1/kiosk/sessions/:id/offer', () => {
  it('answers the whole offer by HQ’s clock, and the session lists what is available', async () => {
    const s = await session();
    expect(s.services).toEqual(['juminhyo', 'sealRegistration', 'taxIncome', 'koseki', 'kosekiFuhyo']);
    expect(s.offer.find((o) => o.certificate === 'koseki')?.feeYen).toBe(450);
    const answer = await offer(s.sessionId);
    expect(answer.status).toBe(200);
    const body = OfferResponse.parse(answer.json);
    expect(body).toMatchObject({ sessionId: s.sessionId, refusal: null, at: fx.clock.now.toISOString() });
    expect(body.municipality).toEqual({ code: '139998', name: '葵市' });
    const taxYear = body.certificates.find((c) => c.type === 'taxIncome')?.options.taxYears;
    const t = jst(fx.clock.now);
    expect(taxYear).toEqual([t.month >= 4 ? t.year : t.year - 1]);
  });

  it.each([
    ['underAge', () => fx.sakuraCard],
    ['supportMeasure', () => cards['res-suzuki-michiko']!],
    ['movedOut', () => cards['res-takahashi-jiro']!],
    ['sameDayAsMoveIn', () => cards['res-ito-mai']!],
  ])('refuses the resident: %s, and issues nothing', async (reason, card) => {
    const s = await session(card());
    expect(s.services).toEqual([]);
    const body = OfferResponse.parse((await offer(s.sessionId)).json);
    expect(body.refusal).toBe(reason);
    expect(body.certificates.every((c) => !c.available && c.options.household.length === 0)).toBe(true);
    const refused = await issue(s.sessionId, { type: 'sealRegistration' });
    expect(refused.status).toBe(403);
    expect(HqErrorBody.parse(refused.json).error).toMatchObject({ code: 'SERVICE_REFUSED', reason });
  });

  it('knows only this terminal’s unexpired sessions, and only for authenticated terminals', async () => {
    const s = await session();
    const other = await kioskCall(fx, fx.terminals.b, 'GET', `/v1/kiosk/sessions/${s.sessionId}/offer`);
    expect([other.status, errorCode(other.json)]).toEqual([404, 'SESSION_NOT_FOUND']);
    const anonymous = await kioskCall(fx, null, 'GET', `/v1/kiosk/sessions/${s.sessionId}/offer`);
    expect(anonymous.status).toBe(401);
    const bad = await kioskCall(fx, terminal(), 'GET', '/v1/kiosk/sessions/not-a-uuid/offer');
    expect([bad.status, errorCode(bad.json)]).toEqual([400, 'VALIDATION_FAILED']);
    fx.clock.advance(10 * 60_000 + 1);
    try {
      const late = await offer(s.sessionId);
      expect([late.status, errorCode(late.json)]).toEqual([410, 'SESSION_EXPIRED']);
    } finally {
      await moveClockToOpenHours(fx);
    }
  });
});

describe('POST /v1/kiosk/issuances: every certificate type', () => {
  async function issuedContent(card: IssuedCertificate, options: Record<string, unknown>, fee: number) {
    const s = await session(card);
    const answer = await issue(s.sessionId, options, 2);
    expect(answer.status, answer.text).toBe(201);
    const issuance = IssuanceResponse.parse(answer.json);
    expect(issuance.feeYen).toBe(fee * 2);
    const docs = issuance.documents.map((d) => verifySignedDocument(d, fx.documentPublicKeyPem));
    for (const doc of docs) {
      expect(doc.type).toBe(options.type);
      expect(doc.content.type).toBe(options.type);
      // Each copy carries its own seal, naming its own serial.
      const seal = verifySealOffline(doc.seal, fx.documentPublicKeyPem);
      expect(seal.ok && seal.fields).toMatchObject({
        t: options.type,
        s: doc.serial,
        d: jst(fx.clock.now).date,
        m: '139998',
      });
    }
    expect(new Set(docs.map((d) => d.seal)).size).toBe(2);
    return docs[0]!;
  }

  it.each<[CertificateType, Record<string, unknown>, number]>([
    ['juminhyo', self('res-yamada-taro', { members: 'household', honseki: true, myNumber: true }), 300],
    ['sealRegistration', { type: 'sealRegistration' }, 300],
    ['koseki', { type: 'koseki', scope: 'individual' }, 450],
    ['kosekiFuhyo', { type: 'kosekiFuhyo' }, 300],
  ])('%s for 山田太郎', async (_type, options, fee) => {
    const doc = await issuedContent(fx.taroCard, options, fee);
    const seal = verifySealOffline(doc.seal, fx.documentPublicKeyPem);
    expect(seal.ok && [seal.fields.n, seal.fields.b]).toEqual(['山田\u3000太郎', '1984-04-15']);
    if (doc.content.type === 'juminhyo') {
      expect(doc.content.wholeHousehold).toBe(true);
      expect(doc.content.persons.every((p) => p.honseki !== null && p.myNumber !== null)).toBe(true);
    }
  });

  it('taxIncome of the offered year', async () => {
    const s = await session();
    const year = OfferResponse.parse((await offer(s.sessionId)).json).certificates.find(
      (c) => c.type === 'taxIncome',
    )?.options.taxYears[0];
    const doc = await issuedContent(fx.taroCard, { type: 'taxIncome', year }, 300);
    expect(doc.content).toMatchObject({ type: 'taxIncome', fiscalYear: year, incomeYen: 5_800_000 });
  });

  it('a foreign resident’s 住民票 with the foreign fields', async () => {
    const doc = await issuedContent(
      cards['res-nguyen-van-an']!,
      self('res-nguyen-van-an', { foreignResidentFields: true }),
      300,
    );
    expect(doc.content.type === 'juminhyo' && doc.content.persons[0]?.foreign?.status).toBe(
      '技術・人文知識・国際業務',
    );
  });

  it('a name outside common fonts, on the document and in the seal', async () => {
    const doc = await issuedContent(cards['res-yoshida-kazuo']!, { type: 'sealRegistration' }, 300);
    expect(doc.content).toMatchObject({ name: '\u{20BB7}田\u3000一夫', impression: { text: '\u{20BB7}田' } });
    const seal = verifySealOffline(doc.seal, fx.documentPublicKeyPem);
    expect(seal.ok && seal.fields.n).toBe('\u{20BB7}田\u3000一夫');
  });
});

describe('POST /v1/kiosk/issuances: refusals', () => {
  it.each<[string, () => IssuedCertificate, Record<string, unknown>]>([
    ['a member outside the household', () => fx.taroCard, self('res-sato-kenichi')],
    [
      '本籍 for a foreign resident',
      () => cards['res-nguyen-van-an']!,
      self('res-nguyen-van-an', { honseki: true }),
    ],
    [
      'foreign fields for a national',
      () => fx.taroCard,
      self('res-yamada-taro', { foreignResidentFields: true }),
    ],
    ['a tax year not offered', () => fx.taroCard, { type: 'taxIncome', year: 2001 }],
  ])('OPTIONS_INVALID 422 for %s', async (_label, card, options) => {
    const s = await session(card());
    const answer = await issue(s.sessionId, options);
    expect([answer.status, errorCode(answer.json)]).toEqual([422, 'OPTIONS_INVALID']);
    const rows = await fx.db.query('SELECT 1 FROM issuances WHERE session_id = $1', [s.sessionId]);
    expect(rows).toEqual([]);
  });

  it('SERVICE_REFUSED with the reason for a certificate that is not available', async () => {
    const hanako = await session(fx.hanakoCard);
    const noSeal = await issue(hanako.sessionId, { type: 'sealRegistration' });
    expect([noSeal.status, HqErrorBody.parse(noSeal.json).error.reason]).toEqual([403, 'notRegistered']);

    const saved = fx.clock.now;
    // The same day's evening: 戸籍 closed at 17:00, the 住民票 still open until 23:00.
    fx.clock.now = jstInstant(jst(saved).date, '17:00');
    try {
      const taro = await session();
      const koseki = await issue(taro.sessionId, { type: 'koseki', scope: 'all' });
      expect(HqErrorBody.parse(koseki.json).error).toMatchObject({
        code: 'SERVICE_REFUSED',
        reason: 'outsideHours',
      });
      expect((await issue(taro.sessionId, self('res-yamada-taro'))).status).toBe(201);
    } finally {
      fx.clock.now = saved;
    }
  });

  it('answers a maintenance window from the database', async () => {
    const s = await session();
    await fx.db.query(
      `INSERT INTO maintenance_windows (municipality_code, starts_at, ends_at, certificate_type)
       VALUES ('139998', $1, $2, 'taxIncome')`,
      [
        new Date(fx.clock.now.getTime() - 60_000).toISOString(),
        new Date(fx.clock.now.getTime() + 60_000).toISOString(),
      ],
    );
    try {
      const body = OfferResponse.parse((await offer(s.sessionId)).json);
      const tax = body.certificates.find((c) => c.type === 'taxIncome');
      expect([tax?.available, tax?.refusal]).toEqual([false, 'maintenance']);
      expect(body.certificates.find((c) => c.type === 'juminhyo')?.available).toBe(true);
    } finally {
      await fx.db.query('DELETE FROM maintenance_windows');
    }
  });
});
