import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DocumentPayload, IssuanceResponse } from 'hq-gateway/api/schemas';
import {
  generateDocumentSigningKeyPem,
  loadDocumentSigningKey,
  signDocument,
} from 'hq-gateway/issuance/document-signing';
import { KioskError } from '../errors';
import type { AuthenticatedSession } from './authenticate';
import { verifyBinding } from './print-job';
import { testPayload } from './testing/documents';

const hqKey = generateDocumentSigningKeyPem();
const signingKey = loadDocumentSigningKey(hqKey.privateKeyPem);
const terminalId = 'T-TEST-0001';
const certificateSha256 = createHash('sha256').update('the card that authenticated').digest('hex');
const auth: AuthenticatedSession = {
  certificateSha256,
  session: {
    sessionId: randomUUID(),
    expiresAt: new Date().toISOString(),
    municipality: { code: '139998', name: '葵市' },
    services: ['juminhyo'],
    offer: [{ certificate: 'juminhyo', feeYen: 300 }],
  },
};
const issuanceId = randomUUID();

function payload(overrides: Partial<DocumentPayload> = {}): DocumentPayload {
  return testPayload(
    { issuanceId, sessionId: auth.session.sessionId, terminalId, cardCertificateSha256: certificateSha256 },
    overrides,
  );
}

function issuance(...docs: DocumentPayload[]): IssuanceResponse {
  return { issuanceId, feeYen: 300, documents: docs.map((doc) => signDocument(doc, signingKey)) };
}

function refusal(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof KioskError ? error.code : 'not a KioskError';
  }
  return undefined;
}

describe('verifyBinding: only documents for this session, this card and this terminal reach the printer', () => {
  it('accepts a document HQ signed for this session and card', () => {
    const docs = verifyBinding(issuance(payload()), auth, terminalId, hqKey.publicKeyPem);
    expect(docs.map((d) => d.serial)).toEqual(['139998-261122-ABCDEFGHJK']);
  });

  it.each([
    ['another session', { sessionId: randomUUID() }],
    ['another card', { cardCertificateSha256: createHash('sha256').update('someone else').digest('hex') }],
    ['another terminal', { terminalId: 'T-OTHER' }],
    ['another issuance', { issuanceId: randomUUID() }],
  ])('refuses a correctly signed document bound to %s', (_what, overrides) => {
    expect(
      refusal(() => verifyBinding(issuance(payload(overrides)), auth, terminalId, hqKey.publicKeyPem)),
    ).toBe('DOCUMENT_INVALID');
  });

  it('refuses a whole job when one of its documents is not bound', () => {
    const job = issuance(payload(), payload({ sessionId: randomUUID(), serial: '139998-261122-ZZZZZZZZZZ' }));
    expect(refusal(() => verifyBinding(job, auth, terminalId, hqKey.publicKeyPem))).toBe('DOCUMENT_INVALID');
  });

  it('refuses a document signed by another key or tampered with in transit', () => {
    const other = loadDocumentSigningKey(generateDocumentSigningKeyPem().privateKeyPem);
    const forged: IssuanceResponse = { issuanceId, feeYen: 300, documents: [signDocument(payload(), other)] };
    expect(refusal(() => verifyBinding(forged, auth, terminalId, hqKey.publicKeyPem))).toBe(
      'DOCUMENT_INVALID',
    );

    const genuine = issuance(payload());
    const doc = genuine.documents[0]!;
    const json = JSON.parse(Buffer.from(doc.payload, 'base64url').toString('utf8')) as DocumentPayload;
    if (json.content.type !== 'juminhyo') throw new Error('test payload is a 住民票');
    json.content.persons[0]!.name = '別人 花子';
    const tampered: IssuanceResponse = {
      ...genuine,
      documents: [{ ...doc, payload: Buffer.from(JSON.stringify(json)).toString('base64url') }],
    };
    expect(refusal(() => verifyBinding(tampered, auth, terminalId, hqKey.publicKeyPem))).toBe(
      'DOCUMENT_INVALID',
    );
  });
});
