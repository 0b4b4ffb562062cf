import { createHash, randomBytes, sign } from 'node:crypto';
import type * as pkijs from 'pkijs';
import { beforeAll, describe, expect, it } from 'vitest';
import { sessionSigningInput } from '../api/signing-input';
import { parseCertificateDer } from './certificate-fields';
import { ValidatedChainCache } from './chain-cache';
import {
  createTestCa,
  issueSignatureCertificate,
  issueUserAuthCertificate,
  type IssuedCertificate,
  type TestCa,
} from './test-pki';
import {
  revocationKey,
  validateCardCertificate,
  validateUserAuthentication,
  type CardCertificateValidationInput,
  type UserAuthValidationInput,
} from './validate';

const TERMINAL = 'T-TEST-0001';
const DAY = 24 * 60 * 60 * 1000;

let ca: TestCa;
let nextGenerationCa: TestCa;
let impostorCa: TestCa;
let signatureCa: TestCa;
let anchors: pkijs.Certificate[];
let good: IssuedCertificate;

function anchor(c: TestCa): pkijs.Certificate {
  const cert = parseCertificateDer(c.certificate);
  if (!cert) throw new Error('unparsable CA');
  return cert;
}

function signWith(pkcs8: Uint8Array, input: Uint8Array): Uint8Array {
  return sign('sha256', input, { key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
}

/** A complete, valid input for `card`, with any field overridable. */
function input(
  card: IssuedCertificate,
  overrides: Partial<UserAuthValidationInput> = {},
): UserAuthValidationInput {
  const nonce = overrides.nonce ?? randomBytes(32);
  return {
    certificate: card.certificate,
    signature: signWith(card.privateKeyPkcs8, sessionSigningInput(nonce, TERMINAL, 'kiosk-session')),
    nonce,
    terminalId: TERMINAL,
    purpose: 'kiosk-session',
    trustAnchors: anchors,
    at: new Date(),
    ...overrides,
  };
}

beforeAll(async () => {
  // The impostor has the very same DN as the real CA: only key identifier + signature tell them apart.
  [ca, nextGenerationCa, impostorCa, signatureCa] = await Promise.all([
    createTestCa('userAuth'),
    createTestCa('userAuth'),
    createTestCa('userAuth'),
    createTestCa('signature'),
  ]);
  anchors = [anchor(ca), anchor(nextGenerationCa)];
  good = await issueUserAuthCertificate(ca, { id: 'CARD0001' });
});

describe('validateUserAuthentication', () => {
  it('accepts a certificate of a trusted CA with a signature over this session', async () => {
    const result = await validateUserAuthentication(input(good));
    expect(result).toMatchObject({ ok: true });
    if (!result.ok) return;
    expect(result.certificate.sha256).toBe(createHash('sha256').update(good.certificate).digest('hex'));
    expect(result.certificate.issuerKeyId).toBe(Buffer.from(ca.keyIdentifier).toString('hex'));
    expect(result.certificate.serialNumber).toMatch(/^[0-9a-f]{32}$/);
  });

  it('chains to the right CA generation when several share one DN', async () => {
    const card = await issueUserAuthCertificate(nextGenerationCa, { id: 'CARD0002' });
    const result = await validateUserAuthentication(input(card));
    expect(result.ok).toBe(true);
    if (result.ok)
      expect(result.certificate.issuerKeyId).toBe(
        Buffer.from(nextGenerationCa.keyIdentifier).toString('hex'),
      );
  });

  it('refuses a certificate of an untrusted CA with the same name', async () => {
    const card = await issueUserAuthCertificate(impostorCa, { id: 'CARD0003' });
    expect(await validateUserAuthentication(input(card))).toMatchObject({
      ok: false,
      code: 'CERTIFICATE_CHAIN_INVALID',
    });
  });

  it('refuses a signature certificate: the signature CA is no anchor for sessions', async () => {
    const card = await issueSignatureCertificate(signatureCa, {
      id: 'SIG0001',
      prefecture: '東京都',
      city: '葵市',
      familyName: '山田',
      givenName: '太郎',
      birthDate: '1984-04-15',
      sex: 'male',
      address: '東京都葵市緑町一丁目2番3号',
    });
    expect(await validateUserAuthentication(input(card))).toMatchObject({
      code: 'CERTIFICATE_CHAIN_INVALID',
    });
  });

  it('refuses the CA certificate itself', async () => {
    const result = await validateUserAuthentication(
      input(good, { certificate: ca.certificate, signature: new Uint8Array(256) }),
    );
    expect(result).toMatchObject({ ok: false, code: 'CERTIFICATE_CHAIN_INVALID' });
  });

  it('refuses everything when no anchors are configured', async () => {
    expect(await validateUserAuthentication(input(good, { trustAnchors: [] }))).toMatchObject({
      code: 'CERTIFICATE_CHAIN_INVALID',
    });
  });

  it('says expired for a trusted certificate past notAfter', async () => {
    const card = await issueUserAuthCertificate(
      ca,
      { id: 'CARD0004' },
      { notBefore: new Date(Date.now() - 10 * DAY), notAfter: new Date(Date.now() - DAY) },
    );
    expect(await validateUserAuthentication(input(card))).toMatchObject({ code: 'CERTIFICATE_EXPIRED' });
  });

  it('says not yet valid for a trusted certificate before notBefore', async () => {
    const card = await issueUserAuthCertificate(
      ca,
      { id: 'CARD0005' },
      { notBefore: new Date(Date.now() + DAY), notAfter: new Date(Date.now() + 10 * DAY) },
    );
    expect(await validateUserAuthentication(input(card))).toMatchObject({
      code: 'CERTIFICATE_NOT_YET_VALID',
    });
  });

  it('judges validity at the time it is given', async () => {
    const tenYearsOn = new Date(Date.now() + 3650 * DAY);
    expect(await validateUserAuthentication(input(good, { at: tenYearsOn }))).toMatchObject({
      code: 'CERTIFICATE_EXPIRED',
    });
  });

  it('refuses a valid card under a CA that is itself outside its validity', async () => {
    const oldCa = await createTestCa('userAuth', {
      notBefore: new Date(Date.now() - 20 * DAY),
      notAfter: new Date(Date.now() - DAY),
    });
    const card = await issueUserAuthCertificate(oldCa, { id: 'CARD0006' });
    const result = await validateUserAuthentication(input(card, { trustAnchors: [anchor(oldCa)] }));
    expect(result).toMatchObject({ code: 'CERTIFICATE_CHAIN_INVALID' });
  });

  it('refuses a certificate on the revocation list', async () => {
    const ok = await validateUserAuthentication(input(good));
    if (!ok.ok) throw new Error('expected the good card to validate');
    const revoked = new Set([revocationKey(ok.certificate.issuerKeyId, ok.certificate.serialNumber)]);
    expect(await validateUserAuthentication(input(good, { revokedSerials: revoked }))).toMatchObject({
      code: 'CERTIFICATE_REVOKED',
    });
  });

  it('still refuses a revoked certificate or a wrong signature when its path is cached', async () => {
    const chainCache = new ValidatedChainCache();
    const ok = await validateUserAuthentication(input(good, { chainCache }));
    if (!ok.ok) throw new Error('expected the good card to validate');
    expect(chainCache.size).toBe(1);
    const revoked = new Set([revocationKey(ok.certificate.issuerKeyId, ok.certificate.serialNumber)]);
    expect(
      await validateUserAuthentication(input(good, { chainCache, revokedSerials: revoked })),
    ).toMatchObject({ code: 'CERTIFICATE_REVOKED' });
    const other = await issueUserAuthCertificate(ca, { id: 'CARD0008' });
    const nonce = randomBytes(32);
    const signature = signWith(other.privateKeyPkcs8, sessionSigningInput(nonce, TERMINAL, 'kiosk-session'));
    expect(await validateUserAuthentication(input(good, { chainCache, nonce, signature }))).toMatchObject({
      code: 'SIGNATURE_INVALID',
    });
    expect(await validateUserAuthentication(input(good, { chainCache }))).toEqual(ok);
  });

  it('refuses a signature made with another key', async () => {
    const other = await issueUserAuthCertificate(ca, { id: 'CARD0007' });
    const nonce = randomBytes(32);
    const signature = signWith(other.privateKeyPkcs8, sessionSigningInput(nonce, TERMINAL, 'kiosk-session'));
    expect(await validateUserAuthentication(input(good, { nonce, signature }))).toMatchObject({
      code: 'SIGNATURE_INVALID',
    });
  });

  it('refuses a signature with one bit flipped', async () => {
    const valid = input(good);
    const signature = Uint8Array.from(valid.signature);
    signature[100] = (signature[100] ?? 0) ^ 0x01;
    expect(await validateUserAuthentication({ ...valid, signature })).toMatchObject({
      code: 'SIGNATURE_INVALID',
    });
  });

  it('refuses a signature made for another terminal', async () => {
    const nonce = randomBytes(32);
    const signature = signWith(
      good.privateKeyPkcs8,
      sessionSigningInput(nonce, 'T-OTHER-0002', 'kiosk-session'),
    );
    expect(await validateUserAuthentication(input(good, { nonce, signature }))).toMatchObject({
      code: 'SIGNATURE_INVALID',
    });
  });

  it('refuses a signature made for another purpose', async () => {
    const nonce = randomBytes(32);
    const signed = Buffer.concat([nonce, Buffer.from(TERMINAL), Buffer.from('pin-reset')]);
    const signature = signWith(good.privateKeyPkcs8, signed);
    expect(await validateUserAuthentication(input(good, { nonce, signature }))).toMatchObject({
      code: 'SIGNATURE_INVALID',
    });
  });

  it('refuses a signature over another nonce', async () => {
    const signature = signWith(
      good.privateKeyPkcs8,
      sessionSigningInput(randomBytes(32), TERMINAL, 'kiosk-session'),
    );
    expect(await validateUserAuthentication(input(good, { signature }))).toMatchObject({
      code: 'SIGNATURE_INVALID',
    });
  });

  it('calls garbage, truncated and padded DER malformed without throwing', async () => {
    const truncated = good.certificate.slice(0, good.certificate.length - 10);
    const padded = Buffer.concat([good.certificate, Buffer.from([0])]);
    for (const certificate of [randomBytes(300), truncated, padded, new Uint8Array(0)]) {
      expect(await validateUserAuthentication(input(good, { certificate }))).toMatchObject({
        ok: false,
        code: 'CERTIFICATE_MALFORMED',
      });
    }
  });
});

describe('validateCardCertificate', () => {
  const HOLDER = {
    id: 'SIG0002',
    prefecture: '東京都',
    city: '葵市',
    familyName: '山田',
    givenName: '花子',
    birthDate: '1986-09-03',
    sex: 'female',
    address: '東京都葵市緑町一丁目2番3号',
  } as const;
  let signatureCard: IssuedCertificate;

  beforeAll(async () => {
    signatureCard = await issueSignatureCertificate(signatureCa, HOLDER);
  });

  /** A proof for the app's PIN reset: signed for "app" and purpose app-pin-reset. */
  function proof(
    card: IssuedCertificate,
    kind: 'userAuth' | 'signature',
    overrides: Partial<CardCertificateValidationInput> = {},
  ): CardCertificateValidationInput {
    const nonce = randomBytes(32);
    return {
      kind,
      certificate: card.certificate,
      signature: signWith(card.privateKeyPkcs8, sessionSigningInput(nonce, 'app', 'app-pin-reset')),
      nonce,
      signerId: 'app',
      purpose: 'app-pin-reset',
      trustAnchors: kind === 'signature' ? [anchor(signatureCa)] : anchors,
      at: new Date(),
      ...overrides,
    };
  }

  it('accepts a signature certificate under the signature CA, and says which kind it is', async () => {
    const result = await validateCardCertificate(proof(signatureCard, 'signature'));
    expect(result).toMatchObject({ ok: true, certificate: { kind: 'signature' } });
    if (result.ok) {
      expect(result.certificate.issuerKeyId).toBe(Buffer.from(signatureCa.keyIdentifier).toString('hex'));
    }
    expect(await validateCardCertificate(proof(good, 'userAuth'))).toMatchObject({
      ok: true,
      certificate: { kind: 'userAuth' },
    });
  });

  it('refuses a user-authentication certificate where a signature certificate is required', async () => {
    expect(await validateCardCertificate(proof(good, 'signature'))).toMatchObject({
      ok: false,
      code: 'CERTIFICATE_CHAIN_INVALID',
    });
  });

  it('refuses a certificate of the signature CA without nonRepudiation', async () => {
    const digitalSignatureOnly = await issueUserAuthCertificate(signatureCa, { id: 'SIG0003' });
    expect(await validateCardCertificate(proof(digitalSignatureOnly, 'signature'))).toMatchObject({
      ok: false,
      code: 'CERTIFICATE_CHAIN_INVALID',
      reason: expect.stringContaining('keyUsage') as unknown,
    });
  });

  it('binds the signature to the signer id and purpose', async () => {
    const nonce = randomBytes(32);
    const forKiosk = signWith(
      signatureCard.privateKeyPkcs8,
      sessionSigningInput(nonce, TERMINAL, 'kiosk-pin-reset'),
    );
    expect(
      await validateCardCertificate(proof(signatureCard, 'signature', { nonce, signature: forKiosk })),
    ).toMatchObject({ code: 'SIGNATURE_INVALID' });
    expect(
      await validateCardCertificate(
        proof(signatureCard, 'signature', {
          nonce,
          signature: forKiosk,
          signerId: TERMINAL,
          purpose: 'kiosk-pin-reset',
        }),
      ),
    ).toMatchObject({ ok: true });
  });

  it('refuses a revoked signature certificate', async () => {
    const ok = await validateCardCertificate(proof(signatureCard, 'signature'));
    if (!ok.ok) throw new Error('expected the signature card to validate');
    const revoked = new Set([revocationKey(ok.certificate.issuerKeyId, ok.certificate.serialNumber)]);
    expect(
      await validateCardCertificate(proof(signatureCard, 'signature', { revokedSerials: revoked })),
    ).toMatchObject({ code: 'CERTIFICATE_REVOKED' });
  });
});
