import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as pkijs from 'pkijs';
import { dnValues, isCaCertificate, parseCertificateDer } from './certificate-fields';
import { fromPem } from './pem';
import { DN_ATTR, JPKI_CA_OU } from './jpki-names';

/**
 * The JPKI CA certificates HQ trusts, split by purpose. The split matters: a signature certificate also has
 * digitalSignature, so if the signature CA were a trust anchor for sessions, it could open one.
 */
export interface TrustStore {
  userAuth: pkijs.Certificate[];
  signature: pkijs.Certificate[];
}

/** Sorts CA certificates (DER) by their subject OU; anything else (e.g. a future terminal CA) is ignored. */
export function classifyTrustAnchors(ders: readonly Uint8Array[]): TrustStore {
  const store: TrustStore = { userAuth: [], signature: [] };
  for (const der of ders) {
    const cert = parseCertificateDer(der);
    if (!cert) throw new Error('trust anchor is not a DER certificate');
    if (!isCaCertificate(cert)) throw new Error('trust anchor is not a CA certificate');
    const units = dnValues(cert.subject, DN_ATTR.OU);
    if (units.includes(JPKI_CA_OU.userAuth)) store.userAuth.push(cert);
    else if (units.includes(JPKI_CA_OU.signature)) store.signature.push(cert);
  }
  return store;
}

/** Reads every `*-ca.crt` (PEM, one or more certificates each) in a directory. */
export async function loadTrustStore(pkiDir: string): Promise<TrustStore> {
  const files = (await readdir(pkiDir)).filter((f) => f.endsWith('-ca.crt')).sort();
  const ders: Uint8Array[] = [];
  for (const file of files) ders.push(...fromPem(await readFile(join(pkiDir, file), 'utf8'), 'CERTIFICATE'));
  return classifyTrustAnchors(ders);
}
