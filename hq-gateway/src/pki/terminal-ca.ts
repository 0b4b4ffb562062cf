import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type * as pkijs from 'pkijs';
import { writePublicFile, writeSecretFile } from './tls-files';
import {
  addYears,
  certificatePem,
  EKU,
  exportKeyPem,
  generateP256,
  KU,
  loadSigningCa,
  publicKeyInfo,
  signCertificate,
  type SigningCa,
} from './tls-x509';

/**
 * The terminal CA: issues each kiosk's TLS client certificate from the CSR it sent at enrolment. The terminal
 * id is carried twice — CN for people reading logs, SAN URI `urn:kiosk:terminal:<id>` for machines — and the
 * gateway reads it from the certificate, never from a header.
 */

export const TERMINAL_URI_PREFIX = 'urn:kiosk:terminal:';
/** Terminal ids: short, printable, safe in a URI and a CN. */
export const TERMINAL_ID_PATTERN = /^[A-Za-z0-9-]{1,64}$/;
export const TERMINAL_CERT_YEARS = 2;

const HOUR_MS = 60 * 60 * 1000;

export interface TerminalCa extends SigningCa {
  certificatePem: string;
}

export function terminalCaPaths(dataDir: string) {
  const dir = path.join(dataDir, 'hq', 'terminal-ca');
  return { dir, cert: path.join(dir, 'ca.pem'), key: path.join(dir, 'ca.key') };
}

export async function createTerminalCa(now = new Date()): Promise<TerminalCa & { keyPem: string }> {
  const keys = await generateP256();
  const der = await signCertificate(
    {
      issuer: null,
      subject: { o: 'Kiosk HQ', cn: 'Kiosk Terminal CA' },
      publicKey: await publicKeyInfo(keys.publicKey),
      notBefore: new Date(now.getTime() - HOUR_MS),
      notAfter: addYears(now, 10),
      ca: true,
      keyUsage: KU.keyCertSign | KU.cRLSign,
    },
    keys.privateKey,
  );
  const pem = certificatePem(der);
  const keyPem = await exportKeyPem(keys.privateKey);
  return { ...(await loadSigningCa(pem, keyPem)), certificatePem: pem, keyPem };
}

/** Writes a fresh terminal CA under data/hq/terminal-ca/ (key 0600). */
export async function seedTerminalCa(dataDir: string): Promise<TerminalCa> {
  const paths = terminalCaPaths(dataDir);
  const ca = await createTerminalCa();
  await writePublicFile(paths.cert, ca.certificatePem);
  await writeSecretFile(paths.key, ca.keyPem);
  return ca;
}

export async function loadTerminalCa(dataDir: string): Promise<TerminalCa> {
  const paths = terminalCaPaths(dataDir);
  const [pem, keyPem] = await Promise.all([readFile(paths.cert, 'utf8'), readFile(paths.key, 'utf8')]).catch(
    (error: unknown) => {
      throw new Error(`cannot read the terminal CA in ${paths.dir}: is ${dataDir} seeded?`, { cause: error });
    },
  );
  return { ...(await loadSigningCa(pem, keyPem)), certificatePem: pem };
}

/** A clientAuth certificate for `terminalId` over the public key from its (already verified) CSR. */
export async function issueTerminalCertificate(
  ca: SigningCa,
  terminalId: string,
  publicKey: pkijs.PublicKeyInfo,
  options: { now?: Date; notBefore?: Date; notAfter?: Date } = {},
): Promise<Uint8Array> {
  if (!TERMINAL_ID_PATTERN.test(terminalId)) throw new Error(`invalid terminal id ${terminalId}`);
  const now = options.now ?? new Date();
  // An hour of slack for kiosk clocks that run slightly behind HQ's.
  const notBefore = options.notBefore ?? new Date(now.getTime() - HOUR_MS);
  return signCertificate({
    issuer: ca,
    subject: { o: 'Kiosk HQ', cn: terminalId },
    publicKey,
    notBefore,
    notAfter: options.notAfter ?? addYears(now, TERMINAL_CERT_YEARS),
    keyUsage: KU.digitalSignature,
    extendedKeyUsage: [EKU.clientAuth],
    altNames: [{ uri: `${TERMINAL_URI_PREFIX}${terminalId}` }],
  });
}

/**
 * The terminal id a certificate names, from Node's `subjectAltName` text ("URI:urn:kiosk:terminal:T-1, …").
 * null unless exactly one terminal URI is present and well formed.
 */
export function terminalIdFromSubjectAltName(subjectAltName: string | undefined): string | null {
  if (!subjectAltName) return null;
  const ids = subjectAltName
    .split(', ')
    .filter((entry) => entry.startsWith(`URI:${TERMINAL_URI_PREFIX}`))
    .map((entry) => entry.slice(`URI:${TERMINAL_URI_PREFIX}`.length));
  const [id] = ids;
  return ids.length === 1 && id !== undefined && TERMINAL_ID_PATTERN.test(id) ? id : null;
}
