import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignedDocument } from '../issuance/document-signing';
import { latestStatus } from '../fleet/status';
import {
  errorCode,
  kioskCall,
  openSession,
  startGatewayFixture,
  type GatewayFixture,
} from '../testing/gateway-fixture';
import { moveClockToOpenHours } from '../testing/registry-records';
import { defaultOptions, IssuanceResponse, ReplacementResponse, SessionResponse } from './schemas';

let fx: GatewayFixture;
beforeAll(async () => {
  fx = await startGatewayFixture();
  await moveClockToOpenHours(fx);
});
afterAll(async () => {
  await fx?.close();
});

const call = (path: string, body: unknown = {}) => kioskCall(fx, fx.terminals.a, 'POST', path, body);

async function issueTwo(): Promise<IssuanceResponse> {
  const session = SessionResponse.parse((await openSession(fx, fx.terminals.a)).json);
  const answer = await call('/v1/kiosk/issuances', {
    sessionId: session.sessionId,
    idempotencyKey: randomUUID(),
    options: defaultOptions('juminhyo'),
    copies: 2,
  });
  return IssuanceResponse.parse(answer.json);
}

describe('a spoiled copy is voided and replaced under a new serial', () => {
  it('replaces only a copy reported spoiled, once, bound like the original', async () => {
    const issuance = await issueTwo();
    const first = verifySignedDocument(issuance.documents[0]!, fx.documentPublicKeyPem);
    const path = `/v1/kiosk/issuances/${issuance.issuanceId}/copies/${first.serial}`;

    const early = await call(`${path}/replacement`);
    expect(early.status).toBe(409);
    expect(errorCode(early.json)).toBe('COPY_NOT_SPOILED');

    expect((await call(path, { status: 'spoiled' })).status).toBe(200);
    const answer = await call(`${path}/replacement`);
    expect(answer.status).toBe(201);
    const replacement = ReplacementResponse.parse(answer.json);
    const doc = verifySignedDocument(replacement.document, fx.documentPublicKeyPem);
    expect(replacement.replaces).toBe(first.serial);
    expect(doc.serial).not.toBe(first.serial);
    expect(doc).toMatchObject({
      issuanceId: issuance.issuanceId,
      sessionId: first.sessionId,
      terminalId: fx.terminals.a.id,
      cardCertificateSha256: createHash('sha256').update(fx.taroCard.certificate).digest('hex'),
      copy: { index: 1, of: 2 },
    });

    // A retry answers the same document; the voided copy stays spoiled; the new one can be printed.
    const again = await call(`${path}/replacement`);
    expect(again.status).toBe(200);
    expect(again.text).toBe(answer.text);
    expect(errorCode((await call(path, { status: 'printed' })).json)).toBe('IDEMPOTENCY_CONFLICT');
    const printed = await call(`/v1/kiosk/issuances/${issuance.issuanceId}/copies/${doc.serial}`, {
      status: 'printed',
    });
    expect(printed.json).toEqual({ serial: doc.serial, status: 'printed' });

    const rows = await fx.db.query<{ serial: string; status: string }>(
      'SELECT serial, status FROM issuance_copies WHERE issuance_id = $1 ORDER BY status_changed_at',
      [issuance.issuanceId],
    );
    expect(rows.filter((r) => r.status === 'spoiled').map((r) => r.serial)).toEqual([first.serial]);
  });

  it('refuses another terminal and unknown copies', async () => {
    const issuance = await issueTwo();
    const serial = verifySignedDocument(issuance.documents[1]!, fx.documentPublicKeyPem).serial;
    const other = await kioskCall(
      fx,
      fx.terminals.b,
      'POST',
      `/v1/kiosk/issuances/${issuance.issuanceId}/copies/${serial}/replacement`,
      {},
    );
    expect(errorCode(other.json)).toBe('ISSUANCE_NOT_FOUND');
    const unknown = await call(
      `/v1/kiosk/issuances/${issuance.issuanceId}/copies/139998-000000-AAAAAAAAAA/replacement`,
    );
    expect(errorCode(unknown.json)).toBe('COPY_NOT_FOUND');
  });
});

describe('terminal device status', () => {
  it('keeps a snapshot merged with later changes, and asks for a snapshot first', async () => {
    const terminal = fx.terminals.b;
    const send = (body: unknown) => kioskCall(fx, terminal, 'POST', '/v1/kiosk/status', body);
    expect((await send({ kind: 'change', fields: { printer: 'jam' } })).json).toEqual({ applied: false });
    const snapshot = {
      reader: 'ready',
      printer: 'idle',
      jamWhere: null,
      paperLow: false,
      outOfService: false,
    };
    expect((await send({ kind: 'snapshot', status: snapshot })).json).toEqual({ applied: true });
    expect((await send({ kind: 'change', fields: { printer: 'jam', jamWhere: 'fuser' } })).json).toEqual({
      applied: true,
    });
    expect(await latestStatus(fx.db, terminal.id)).toEqual({
      ...snapshot,
      printer: 'jam',
      jamWhere: 'fuser',
    });
    const bad = await send({ kind: 'change', fields: { printer: 'on fire' } });
    expect(bad.status).toBe(400);
    expect(errorCode(bad.json)).toBe('VALIDATION_FAILED');
    const personal = await send({ kind: 'change', fields: { name: '山田 太郎' } });
    expect(personal.status).toBe(400);
  });
});
