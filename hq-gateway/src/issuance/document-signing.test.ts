import { createHash, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DocumentPayload, type SignedDocument } from '../api/schemas';
import {
  DocumentVerificationError,
  generateDocumentSigningKeyPem,
  loadDocumentSigningKey,
  signDocument,
  verifySignedDocument,
} from './document-signing';

const pems = generateDocumentSigningKeyPem();
const key = loadDocumentSigningKey(pems.privateKeyPem);

const payload: DocumentPayload = {
  version: 2,
  type: 'juminhyo',
  serial: '139998-261122-7K3M9Q2XZA',
  issuedAt: '2026-11-22T10:00:00.000Z',
  issuanceId: '6f1c2b9e-3a4d-4e5f-8a9b-0c1d2e3f4a5b',
  sessionId: '1e2d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b',
  terminalId: 'T-DEMO-0001',
  cardCertificateSha256: 'a'.repeat(64),
  copy: { index: 1, of: 1 },
  municipality: { code: '139998', name: '葵市', mayor: '青木 誠一', prefecture: '東京都' },
  content: {
    type: 'juminhyo',
    address: '東京都葵市緑町一丁目2番3号',
    householder: '山田\u3000太郎',
    wholeHousehold: false,
    persons: [
      {
        name: '山田\u3000太郎',
        nameKana: 'ヤマダ\u3000タロウ',
        birthDate: '1984-04-15',
        sex: 'male',
        relationship: '世帯主',
        becameResidentOn: '2015-04-01',
        honseki: null,
        myNumber: null,
        foreign: null,
      },
    ],
  },
  seal: 'JPKS1.e30.AA',
};

function reason(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof DocumentVerificationError ? error.reason : `other: ${String(error)}`;
  }
  return undefined;
}

describe('document signing', () => {
  it('verifies what it signed and returns the payload', () => {
    const doc = signDocument(payload, key);
    expect(verifySignedDocument(doc, pems.publicKeyPem)).toEqual(payload);
  });

  it('signs the exact UTF-8 JSON bytes with Ed25519, named by the SPKI hash', () => {
    const doc = signDocument(payload, key);
    expect(Buffer.from(doc.payload, 'base64url').toString('utf8')).toBe(JSON.stringify(payload));
    const spki = createPublicKey(pems.publicKeyPem).export({ format: 'der', type: 'spki' });
    expect(doc.keyId).toBe(createHash('sha256').update(spki).digest('hex').slice(0, 16));
    expect(doc.keyId).toBe(key.keyId);
  });

  it('refuses a tampered payload', () => {
    const doc = signDocument(payload, key);
    const forged = Buffer.from(
      JSON.stringify({ ...payload, sessionId: '00000000-0000-4000-8000-000000000000' }),
    );
    expect(
      reason(() =>
        verifySignedDocument({ ...doc, payload: forged.toString('base64url') }, pems.publicKeyPem),
      ),
    ).toBe('SIGNATURE_INVALID');
  });

  it('refuses a tampered signature', () => {
    const doc = signDocument(payload, key);
    const bytes = Buffer.from(doc.signature, 'base64url');
    bytes[5] = (bytes[5] ?? 0) ^ 0x40;
    expect(
      reason(() =>
        verifySignedDocument({ ...doc, signature: bytes.toString('base64url') }, pems.publicKeyPem),
      ),
    ).toBe('SIGNATURE_INVALID');
  });

  it('refuses a document signed by another key, even one that claims our key id', () => {
    const other = loadDocumentSigningKey(generateDocumentSigningKeyPem().privateKeyPem);
    const doc = signDocument(payload, other);
    expect(reason(() => verifySignedDocument(doc, pems.publicKeyPem))).toBe('WRONG_KEY');
    expect(reason(() => verifySignedDocument({ ...doc, keyId: key.keyId }, pems.publicKeyPem))).toBe(
      'SIGNATURE_INVALID',
    );
  });

  it('refuses a correctly signed payload that is not a DocumentPayload, after checking the signature', () => {
    const bytes = Buffer.from(JSON.stringify({ ...payload, serial: 'lower-case-serial' }));
    const doc: SignedDocument = {
      payload: bytes.toString('base64url'),
      signature: sign(null, bytes, key.privateKey).toString('base64url'),
      keyId: key.keyId,
    };
    expect(reason(() => verifySignedDocument(doc, pems.publicKeyPem))).toBe('PAYLOAD_INVALID');
  });

  it('refuses envelopes that are not base64url and keys that are not Ed25519', () => {
    const doc = signDocument(payload, key);
    expect(reason(() => verifySignedDocument({ ...doc, payload: 'not base64url!' }, pems.publicKeyPem))).toBe(
      'MALFORMED',
    );
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
      format: 'pem',
      type: 'spki',
    });
    expect(reason(() => verifySignedDocument(doc, rsa.toString()))).toBe('WRONG_KEY');
    expect(() =>
      loadDocumentSigningKey(
        generateKeyPairSync('rsa', { modulusLength: 1024 })
          .privateKey.export({ format: 'pem', type: 'pkcs8' })
          .toString(),
      ),
    ).toThrow();
  });
});
