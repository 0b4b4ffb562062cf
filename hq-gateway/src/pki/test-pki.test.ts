import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  authorityKeyIdentifierHex,
  isCaCertificate,
  keyUsageByte,
  KeyUsageBit,
  otherNames,
  parseCertificateDer,
  subjectKeyIdentifierHex,
} from './certificate-fields';
import { JPKI_SAN_OID } from './jpki-names';
import { fromPem, toPem } from './pem';
import {
  createTestCa,
  importTestCa,
  issueSignatureCertificate,
  issueUserAuthCertificate,
  toJpkiBirthDate,
  type TestCa,
} from './test-pki';
import { classifyTrustAnchors } from './trust-store';

let userAuthCa: TestCa;
let signatureCa: TestCa;

beforeAll(async () => {
  [userAuthCa, signatureCa] = await Promise.all([createTestCa('userAuth'), createTestCa('signature')]);
});

function x509(der: Uint8Array): X509Certificate {
  return new X509Certificate(Buffer.from(der));
}

describe('test JPKI CAs', () => {
  it('are self-signed RSA-2048 sha256WithRSA CAs named as in jpki-card.md, valid ten years', () => {
    const cert = x509(userAuthCa.certificate);
    expect(cert.subject.split('\n')).toEqual([
      'C=JP',
      'O=JPKI-TEST',
      'OU=JPKI for user authentication',
      'OU=Japan Agency for Local Authority Information Systems',
    ]);
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.ca).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const years = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / (365.25 * 86_400_000);
    expect(Math.round(years)).toBe(10);
    expect(x509(signatureCa.certificate).subject).toContain('OU=JPKI for digital signature');
  });

  it('carry keyCertSign + cRLSign and a subject key identifier', () => {
    const cert = parseCertificateDer(userAuthCa.certificate);
    expect(cert).not.toBeNull();
    if (!cert) return;
    expect(isCaCertificate(cert)).toBe(true);
    expect(keyUsageByte(cert)).toBe(KeyUsageBit.keyCertSign | KeyUsageBit.cRLSign);
    expect(subjectKeyIdentifierHex(cert)).toBe(Buffer.from(userAuthCa.keyIdentifier).toString('hex'));
  });

  it('survive a round trip through PEM files and can issue again', async () => {
    const certPem = toPem('CERTIFICATE', userAuthCa.certificate);
    const keyPem = toPem('PRIVATE KEY', userAuthCa.privateKeyPkcs8);
    const [certDer] = fromPem(certPem, 'CERTIFICATE');
    const [keyDer] = fromPem(keyPem, 'PRIVATE KEY');
    if (!certDer || !keyDer) throw new Error('PEM round trip lost a block');
    expect(createPrivateKey(keyPem).asymmetricKeyType).toBe('rsa');
    const reloaded = await importTestCa('userAuth', certDer, keyDer);
    const card = await issueUserAuthCertificate(reloaded, { id: 'RELOADED' });
    expect(x509(card.certificate).verify(x509(userAuthCa.certificate).publicKey)).toBe(true);
  });

  it('are told apart by OU when loaded as trust anchors', () => {
    const store = classifyTrustAnchors([signatureCa.certificate, userAuthCa.certificate]);
    expect(store.userAuth).toHaveLength(1);
    expect(store.signature).toHaveLength(1);
    expect(() => classifyTrustAnchors([new Uint8Array([1, 2, 3])])).toThrow();
  });
});

describe('user-authentication certificates', () => {
  it('name only an opaque id, allow digitalSignature only and point at the CA key', async () => {
    const issued = await issueUserAuthCertificate(userAuthCa, { id: 'A1B2C3D4' });
    const cert = x509(issued.certificate);
    expect(cert.subject.split('\n')).toEqual(['C=JP', 'CN=A1B2C3D4']);
    expect(cert.issuer).toBe(x509(userAuthCa.certificate).subject);
    expect(cert.ca).toBe(false);
    expect(cert.verify(x509(userAuthCa.certificate).publicKey)).toBe(true);
    expect(cert.subjectAltName).toBeUndefined();

    const parsed = parseCertificateDer(issued.certificate);
    if (!parsed) throw new Error('unparsable');
    expect(keyUsageByte(parsed)).toBe(KeyUsageBit.digitalSignature);
    expect(authorityKeyIdentifierHex(parsed)).toBe(Buffer.from(userAuthCa.keyIdentifier).toString('hex'));
  });

  it('come with a PKCS#8 private key matching the certificate', async () => {
    const issued = await issueUserAuthCertificate(userAuthCa, { id: 'KEYMATCH' });
    const privateKey = createPrivateKey({
      key: Buffer.from(issued.privateKeyPkcs8),
      format: 'der',
      type: 'pkcs8',
    });
    const fromPrivate = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
    const fromCert = x509(issued.certificate).publicKey.export({ format: 'der', type: 'spki' });
    expect(Buffer.compare(fromPrivate, fromCert)).toBe(0);
  });

  it('take the validity they are given (for expired-card tests)', async () => {
    const notBefore = new Date('2020-01-01T00:00:00Z');
    const notAfter = new Date('2021-01-01T00:00:00Z');
    const cert = x509(
      (await issueUserAuthCertificate(userAuthCa, { id: 'OLD' }, { notBefore, notAfter })).certificate,
    );
    expect(new Date(cert.validFrom).toISOString()).toBe(notBefore.toISOString());
    expect(new Date(cert.validTo).toISOString()).toBe(notAfter.toISOString());
  });
});

describe('signature certificates', () => {
  it('carry prefecture and city as L, and the four basic facts as otherName UTF8Strings', async () => {
    const issued = await issueSignatureCertificate(signatureCa, {
      id: 'SIG42',
      prefecture: '東京都',
      city: '葵市',
      familyName: '山田',
      givenName: '花子',
      birthDate: '1986-09-03',
      sex: 'female',
      address: '東京都葵市緑町一丁目2番3号',
    });
    const cert = x509(issued.certificate);
    expect(cert.subject.split('\n')).toEqual(['C=JP', 'L=東京都', 'L=葵市', 'CN=SIG42']);
    const parsed = parseCertificateDer(issued.certificate);
    if (!parsed) throw new Error('unparsable');
    expect(keyUsageByte(parsed)).toBe(KeyUsageBit.digitalSignature | KeyUsageBit.nonRepudiation);
    const facts = otherNames(parsed);
    expect(facts.get(JPKI_SAN_OID.name)).toBe('山田\u3000花子');
    expect(facts.get(JPKI_SAN_OID.birthDate)).toBe('319860903'); // 昭和;
    expect(facts.get(JPKI_SAN_OID.sex)).toBe('2');
    expect(facts.get(JPKI_SAN_OID.address)).toBe('東京都葵市緑町一丁目2番3号');
  });
});

describe('toJpkiBirthDate', () => {
  it.each([
    ['1912-07-29', '119120729'], // last day of Meiji
    ['1912-07-30', '219120730'], // Taisho
    ['1926-12-25', '319261225'], // Showa
    ['1989-01-07', '319890107'],
    ['1989-01-08', '419890108'], // Heisei
    ['2019-04-30', '420190430'],
    ['2019-05-01', '520190501'], // Reiwa
  ])('%s → %s', (iso, expected) => {
    expect(toJpkiBirthDate(iso)).toBe(expected);
  });

  it('rejects what is not an ISO date', () => {
    expect(() => toJpkiBirthDate('1990/01/01')).toThrow();
  });
});
