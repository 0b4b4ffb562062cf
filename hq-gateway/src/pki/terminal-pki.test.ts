import { X509Certificate } from 'node:crypto';
import * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';
import { fromPem, toPem } from './pem';
import { createHqTlsCa, issueServerCertificate } from './tls-ca';
import { createTerminalCa, issueTerminalCertificate, terminalIdFromSubjectAltName } from './terminal-ca';
import { createTerminalCsr, verifyTerminalCsr } from './terminal-csr';
import { EKU, generateP256, ipBytes, loadSigningCa, publicKeyInfo } from './tls-x509';

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

describe('HQ TLS CA and server certificate', () => {
  it('covers 127.0.0.1, ::1, localhost and configured names, for serverAuth, chained to the HQ TLS CA', async () => {
    const ca = await createHqTlsCa();
    const server = await issueServerCertificate(await loadSigningCa(ca.certificatePem, ca.keyPem), [
      'hq.example.jp',
      '10.1.2.3',
    ]);
    const cert = new X509Certificate(server.certificatePem);
    const caCert = new X509Certificate(ca.certificatePem);
    expect(cert.subjectAltName?.split(', ')).toEqual([
      'IP Address:127.0.0.1',
      'IP Address:0:0:0:0:0:0:0:1',
      'DNS:localhost',
      'DNS:hq.example.jp',
      'IP Address:10.1.2.3',
    ]);
    expect(cert.checkIP('::1')).toBe('::1');
    expect(cert.checkHost('hq.example.jp')).toBe('hq.example.jp');
    expect(cert.checkHost('other.example.jp')).toBeUndefined();
    expect(cert.keyUsage).toEqual([EKU.serverAuth]);
    expect(cert.ca).toBe(false);
    expect(caCert.ca).toBe(true);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('encodes IPv6 addresses as 16 bytes', () => {
    expect(Array.from(ipBytes('::1'))).toEqual([...Array<number>(15).fill(0), 1]);
    expect(Array.from(ipBytes('fe80::1:2'))).toEqual([0xfe, 0x80, ...Array<number>(10).fill(0), 0, 1, 0, 2]);
    expect(() => ipBytes('localhost')).toThrow();
  });
});

describe('terminal CA', () => {
  it('issues a 2-year clientAuth certificate naming the terminal in CN and SAN URI', async () => {
    const ca = await createTerminalCa();
    const keys = await generateP256();
    const now = new Date();
    const der = await issueTerminalCertificate(ca, 'T-STORE-0042', await publicKeyInfo(keys.publicKey), {
      now,
    });
    const cert = new X509Certificate(Buffer.from(der));
    expect(cert.subject).toContain('CN=T-STORE-0042');
    expect(cert.subjectAltName).toBe('URI:urn:kiosk:terminal:T-STORE-0042');
    expect(cert.keyUsage).toEqual([EKU.clientAuth]);
    expect(cert.ca).toBe(false);
    expect(cert.verify(new X509Certificate(ca.certificatePem).publicKey)).toBe(true);
    const years = (Date.parse(cert.validTo) - now.getTime()) / YEAR_MS;
    expect(years).toBeGreaterThan(1.99);
    expect(years).toBeLessThan(2.01);
    expect(terminalIdFromSubjectAltName(cert.subjectAltName)).toBe('T-STORE-0042');
  });

  it('refuses to name a terminal id that is not a plain token', async () => {
    const ca = await createTerminalCa();
    const key = await publicKeyInfo((await generateP256()).publicKey);
    await expect(issueTerminalCertificate(ca, 'T 1, URI:x', key)).rejects.toThrow(/invalid terminal id/);
  });

  it('reads exactly one well-formed terminal URI from a subjectAltName', () => {
    expect(terminalIdFromSubjectAltName(undefined)).toBeNull();
    expect(terminalIdFromSubjectAltName('DNS:localhost')).toBeNull();
    expect(terminalIdFromSubjectAltName('URI:urn:kiosk:terminal:T-1, URI:urn:kiosk:terminal:T-2')).toBeNull();
    expect(terminalIdFromSubjectAltName('URI:urn:kiosk:terminal:T/1')).toBeNull();
    expect(terminalIdFromSubjectAltName('DNS:x, URI:urn:kiosk:terminal:T-9')).toBe('T-9');
  });
});

describe('CSR proof of possession', () => {
  it('accepts a CSR signed by its own P-256 key and hands out that key', async () => {
    const keys = await generateP256();
    const result = await verifyTerminalCsr(await createTerminalCsr(keys));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const expected = Buffer.from(await crypto.subtle.exportKey('spki', keys.publicKey));
    expect(Buffer.from(result.publicKey.toSchema().toBER(false)).equals(expected)).toBe(true);
  });

  it('refuses a CSR whose public key is not the one that signed it', async () => {
    const [signer, claimed] = await Promise.all([generateP256(), generateP256()]);
    const der = fromPem(await createTerminalCsr(signer), 'CERTIFICATE REQUEST')[0] ?? new Uint8Array();
    const csr = pkijs.CertificationRequest.fromBER(new Uint8Array(der));
    // Swap in another key after signing (re-encoding the signed part): a request over a key not held.
    csr.subjectPublicKeyInfo = await publicKeyInfo(claimed.publicKey);
    const forged = toPem('CERTIFICATE REQUEST', new Uint8Array(csr.toSchema(true).toBER(false)));
    expect(await verifyTerminalCsr(forged)).toEqual({ ok: false, reason: 'CSR_SIGNATURE_INVALID' });
  });

  it('refuses a CSR whose signature bytes were altered', async () => {
    const der = fromPem(await createTerminalCsr(await generateP256()), 'CERTIFICATE REQUEST')[0];
    if (!der) throw new Error('no CSR');
    const tampered = new Uint8Array(der);
    tampered[tampered.length - 2] = (tampered[tampered.length - 2] ?? 0) ^ 0x01;
    const result = await verifyTerminalCsr(toPem('CERTIFICATE REQUEST', tampered));
    expect(result.ok).toBe(false);
  });

  it('refuses garbage, several blocks and non-CSR PEM', async () => {
    const csr = await createTerminalCsr(await generateP256());
    expect(await verifyTerminalCsr('hello')).toEqual({ ok: false, reason: 'CSR_MALFORMED' });
    expect(await verifyTerminalCsr(csr + csr)).toEqual({ ok: false, reason: 'CSR_MALFORMED' });
    expect(await verifyTerminalCsr(toPem('CERTIFICATE REQUEST', new Uint8Array([1, 2, 3])))).toEqual({
      ok: false,
      reason: 'CSR_MALFORMED',
    });
  });
});
