import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generateDocumentSigningKeyPem,
  loadDocumentSigningKey,
  verifySignedDocument,
} from '../issuance/document-signing';
import { createSeal, verifySealOffline } from '../issuance/seal';
import { kioskCall, openSession, startGatewayFixture, type GatewayFixture } from '../testing/gateway-fixture';
import { moveClockToOpenHours } from '../testing/registry-records';
import {
  IssuanceResponse,
  ReplacementResponse,
  SealFields,
  SessionResponse,
  VerifyResponse,
} from './schemas';

let fx: GatewayFixture;

beforeAll(async () => {
  fx = await startGatewayFixture();
  await moveClockToOpenHours(fx);
});

afterAll(async () => {
  await fx?.close();
});

async function issuedSeal(): Promise<{ issuanceId: string; serial: string; seal: string }> {
  const session = SessionResponse.parse((await openSession(fx, fx.terminals.a)).json);
  const answer = await kioskCall(fx, fx.terminals.a, 'POST', '/v1/kiosk/issuances', {
    sessionId: session.sessionId,
    idempotencyKey: randomUUID(),
    options: { type: 'sealRegistration' },
  });
  const issuance = IssuanceResponse.parse(answer.json);
  const doc = verifySignedDocument(issuance.documents[0]!, fx.documentPublicKeyPem);
  return { issuanceId: issuance.issuanceId, serial: doc.serial, seal: doc.seal };
}

/** The public check: no terminal credentials. */
function verify(seal: string | null, query?: string) {
  return kioskCall(fx, null, 'GET', `/v1/verify?${query ?? new URLSearchParams({ seal: seal ?? '' })}`);
}

/** A browser's request: no client certificate. */
function browse(path: string) {
  // Node's fetch takes undici's dispatcher; the DOM RequestInit type does not declare it.
  const init = { method: 'GET', dispatcher: fx.tls.anonymous };
  return fetch(`${fx.url}${path}`, init);
}

describe('GET /v1/verify', () => {
  it('says valid for an issued copy, still valid once printed, and gives the signed fields', async () => {
    const { issuanceId, serial, seal } = await issuedSeal();
    const issued = await verify(seal);
    expect(issued.status).toBe(200);
    const body = VerifyResponse.parse(issued.json);
    expect(body).toMatchObject({
      result: 'valid',
      reason: null,
      fields: { s: serial, t: 'sealRegistration' },
    });
    await kioskCall(fx, fx.terminals.a, 'POST', `/v1/kiosk/issuances/${issuanceId}/copies/${serial}`, {
      status: 'printed',
    });
    expect(VerifyResponse.parse((await verify(seal)).json).result).toBe('valid');
  });

  it('says void for a spoiled copy, and valid for its replacement with its own seal', async () => {
    const { issuanceId, serial, seal } = await issuedSeal();
    const path = `/v1/kiosk/issuances/${issuanceId}/copies/${serial}`;
    await kioskCall(fx, fx.terminals.a, 'POST', path, { status: 'spoiled' });
    expect(VerifyResponse.parse((await verify(seal)).json)).toMatchObject({
      result: 'void',
      fields: { s: serial },
    });

    const replaced = ReplacementResponse.parse(
      (await kioskCall(fx, fx.terminals.a, 'POST', `${path}/replacement`, {})).json,
    );
    const doc = verifySignedDocument(replaced.document, fx.documentPublicKeyPem);
    expect(doc.seal).not.toBe(seal);
    const fields = verifySealOffline(doc.seal, fx.documentPublicKeyPem);
    expect(fields.ok && fields.fields.s).toBe(doc.serial);
    expect(VerifyResponse.parse((await verify(doc.seal)).json).result).toBe('valid');
    expect(VerifyResponse.parse((await verify(seal)).json).result).toBe('void');
  });

  it('says forged for a tampered, truncated or foreign-key seal, with the reason and no fields', async () => {
    const { seal } = await issuedSeal();
    const [prefix, body, sig] = seal.split('.') as [string, string, string];
    const json = SealFields.parse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
    const tampered = `${prefix}.${Buffer.from(JSON.stringify({ ...json, d: '2000-01-01' })).toString('base64url')}.${sig}`;
    const other = loadDocumentSigningKey(generateDocumentSigningKeyPem().privateKeyPem);
    const foreign = createSeal({ ...json, k: other.keyId }, other);
    for (const [text, reason] of [
      [tampered, 'SIGNATURE_INVALID'],
      [seal.slice(0, -20), 'MALFORMED'],
      [foreign, 'WRONG_KEY'],
      ['hello', 'MALFORMED'],
    ] as const) {
      const answer = VerifyResponse.parse((await verify(text)).json);
      expect(answer).toEqual({ result: 'forged', fields: null, reason });
    }
  });

  it('says forged for a correctly signed seal whose serial HQ never issued, and warns', async () => {
    const { seal } = await issuedSeal();
    const check = verifySealOffline(seal, fx.documentPublicKeyPem);
    if (!check.ok) throw new Error('seal does not verify');
    const ghost = createSeal({ ...check.fields, s: '139998-000000-AAAAAAAAAA' }, fx.documentKey);
    expect(VerifyResponse.parse((await verify(ghost)).json)).toEqual({
      result: 'forged',
      fields: null,
      reason: 'unknown serial',
    });
    expect(fx.logs.some((l) => l.includes('"event":"verify.unknown_serial"'))).toBe(true);
  });

  it('validates the query: one seal, nothing else', async () => {
    expect((await verify(null, '')).status).toBe(400);
    expect((await verify(null, 'seal=')).status).toBe(400);
    expect((await verify(null, 'seal=a&seal=b')).status).toBe(400);
    expect((await verify(null, 'seal=a&extra=1')).status).toBe(400);
    expect((await verify('x'.repeat(1201))).status).toBe(400);
  });
});

describe('GET /verify', () => {
  it('serves an accessible Japanese page whose script calls /v1/verify, under a strict CSP', async () => {
    const page = await browse('/verify');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toMatch(/<html lang="ja">/);
    const id = /<textarea id="([^"]+)"/.exec(html)?.[1];
    expect(id).toBeDefined();
    expect(html).toContain(`<label for="${id}">`);
    expect(html).toContain('role="status"');
    const script = await (await browse('/verify.js')).text();
    expect(script).toContain("fetch('/v1/verify?seal='");
    for (const word of ['有効', '無効(失効)', '偽造の疑い']) expect(script).toContain(word);
    expect((await browse('/verify.css')).status).toBe(200);
  });
});
