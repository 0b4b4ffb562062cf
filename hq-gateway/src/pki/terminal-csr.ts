import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { cryptoEngine } from './engine';
import { fromPem, toPem } from './pem';

/**
 * PKCS#10 certification requests for terminal enrolment. The kiosk builds one over the key it generated
 * itself (the private key never leaves it); HQ verifies the request's self-signature — proof that the
 * sender holds that key — before the terminal CA certifies the public key.
 */

const ID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const P256 = '1.2.840.10045.3.1.7';
const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const AT_CN = '2.5.4.3';
/** A P-256 CSR is ~250 bytes; anything near this limit is not one of ours. */
const MAX_CSR_BYTES = 4096;

export type CsrRefusal = 'CSR_MALFORMED' | 'CSR_KEY_UNSUPPORTED' | 'CSR_SIGNATURE_INVALID';

/** A CSR over `keys` (ECDSA P-256), PEM. `commonName` is informative only: HQ names the certificate. */
export async function createTerminalCsr(keys: CryptoKeyPair, commonName = 'kiosk'): Promise<string> {
  const csr = new pkijs.CertificationRequest();
  csr.version = 0;
  csr.subject.typesAndValues.push(
    new pkijs.AttributeTypeAndValue({ type: AT_CN, value: new asn1js.Utf8String({ value: commonName }) }),
  );
  await csr.subjectPublicKeyInfo.importKey(keys.publicKey, cryptoEngine);
  await csr.sign(keys.privateKey, 'SHA-256', cryptoEngine);
  return toPem('CERTIFICATE REQUEST', new Uint8Array(csr.toSchema().toBER(false)));
}

/**
 * Parses a PEM CSR and checks it: one block, P-256 key, ecdsa-with-SHA256, and a self-signature that
 * verifies. Returns the public key to certify, or why it was refused.
 */
export async function verifyTerminalCsr(
  pem: string,
): Promise<{ ok: true; publicKey: pkijs.PublicKeyInfo } | { ok: false; reason: CsrRefusal }> {
  const blocks = fromPem(pem, 'CERTIFICATE REQUEST');
  const der = blocks[0];
  if (blocks.length !== 1 || !der || der.byteLength === 0 || der.byteLength > MAX_CSR_BYTES) {
    return { ok: false, reason: 'CSR_MALFORMED' };
  }
  let csr: pkijs.CertificationRequest;
  try {
    const asn1 = asn1js.fromBER(der);
    if (asn1.offset === -1 || asn1.offset !== der.byteLength) return { ok: false, reason: 'CSR_MALFORMED' };
    csr = new pkijs.CertificationRequest({ schema: asn1.result });
  } catch {
    return { ok: false, reason: 'CSR_MALFORMED' };
  }
  const spki = csr.subjectPublicKeyInfo;
  const curve = spki.algorithm.algorithmParams as unknown;
  if (
    spki.algorithm.algorithmId !== ID_EC_PUBLIC_KEY ||
    !(curve instanceof asn1js.ObjectIdentifier) ||
    curve.valueBlock.toString() !== P256 ||
    csr.signatureAlgorithm.algorithmId !== ECDSA_WITH_SHA256
  ) {
    return { ok: false, reason: 'CSR_KEY_UNSUPPORTED' };
  }
  const verified = await csr.verify(cryptoEngine).catch(() => false);
  return verified ? { ok: true, publicKey: spki } : { ok: false, reason: 'CSR_SIGNATURE_INVALID' };
}
