import { createHash } from 'node:crypto';
import { authorityKeyIdentifierHex, parseCertificateDer, serialNumberHex } from '../pki/certificate-fields';
import type { CertificateRef } from './types';

/** Issuer key id, serial and SHA-256 of a DER certificate: how the cards table identifies a certificate. */
export function certificateRef(der: Uint8Array): CertificateRef {
  const cert = parseCertificateDer(der);
  const issuerKeyId = cert && authorityKeyIdentifierHex(cert);
  if (!cert || !issuerKeyId) throw new Error('unreadable certificate: no issuer key identifier');
  return {
    issuerKeyId,
    serialNumber: serialNumberHex(cert),
    sha256: createHash('sha256').update(der).digest('hex'),
  };
}
