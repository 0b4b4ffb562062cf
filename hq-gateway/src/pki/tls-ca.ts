import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writePublicFile, writeSecretFile } from './tls-files';
import {
  addYears,
  certificatePem,
  EKU,
  exportKeyPem,
  generateP256,
  ipBytes,
  KU,
  loadSigningCa,
  publicKeyInfo,
  signCertificate,
  type AltName,
  type SigningCa,
} from './tls-x509';

/**
 * HQ's TLS CA and the gateway's server certificate. Kiosks pin this CA (hq-ca.pem) rather than trusting the
 * public web PKI, so a store network's TLS interception or a mis-issued public certificate cannot reach them.
 */

/** Always in the server certificate: the gateway answers on loopback in every local setup. */
export const DEFAULT_SERVER_NAMES = ['127.0.0.1', '::1', 'localhost'] as const;

const DAY_MS = 24 * 60 * 60 * 1000;

export function hqTlsPaths(dataDir: string) {
  const dir = path.join(dataDir, 'hq', 'tls');
  return {
    dir,
    caCert: path.join(dir, 'ca.pem'),
    caKey: path.join(dir, 'ca.key'),
    serverCert: path.join(dir, 'server.pem'),
    serverKey: path.join(dir, 'server.key'),
  };
}

export interface PemPair {
  certificatePem: string;
  keyPem: string;
}

export interface HqTlsMaterial {
  ca: PemPair;
  server: PemPair;
}

export async function createHqTlsCa(now = new Date()): Promise<PemPair> {
  const keys = await generateP256();
  const der = await signCertificate(
    {
      issuer: null,
      subject: { o: 'Kiosk HQ', cn: 'Kiosk HQ TLS CA' },
      publicKey: await publicKeyInfo(keys.publicKey),
      notBefore: new Date(now.getTime() - DAY_MS),
      notAfter: addYears(now, 10),
      ca: true,
      keyUsage: KU.keyCertSign | KU.cRLSign,
    },
    keys.privateKey,
  );
  return { certificatePem: certificatePem(der), keyPem: await exportKeyPem(keys.privateKey) };
}

/** The gateway's serverAuth certificate for the loopback names plus `extraNames` (DNS names or IPs). */
export async function issueServerCertificate(
  ca: SigningCa,
  extraNames: readonly string[] = [],
  now = new Date(),
): Promise<PemPair> {
  const names = [...new Set([...DEFAULT_SERVER_NAMES, ...extraNames.map((n) => n.trim()).filter(Boolean)])];
  const altNames = names.map((n): AltName => (isIp(n) ? { ip: n } : { dns: n }));
  const keys = await generateP256();
  const der = await signCertificate({
    issuer: ca,
    subject: { o: 'Kiosk HQ', cn: names.find((n) => !isIp(n)) ?? 'hq-gateway' },
    publicKey: await publicKeyInfo(keys.publicKey),
    notBefore: new Date(now.getTime() - DAY_MS),
    notAfter: addYears(now, 1),
    keyUsage: KU.digitalSignature,
    extendedKeyUsage: [EKU.serverAuth],
    altNames,
  });
  return { certificatePem: certificatePem(der), keyPem: await exportKeyPem(keys.privateKey) };
}

/** Writes a fresh HQ TLS CA and server certificate (keys 0600) under data/hq/tls/. */
export async function seedHqTls(dataDir: string, extraNames: readonly string[] = []): Promise<HqTlsMaterial> {
  const paths = hqTlsPaths(dataDir);
  const ca = await createHqTlsCa();
  const server = await issueServerCertificate(await loadSigningCa(ca.certificatePem, ca.keyPem), extraNames);
  await writePublicFile(paths.caCert, ca.certificatePem);
  await writeSecretFile(paths.caKey, ca.keyPem);
  await writePublicFile(paths.serverCert, server.certificatePem);
  await writeSecretFile(paths.serverKey, server.keyPem);
  return { ca, server };
}

/** What the gateway listens with: its certificate and key, and the CA kiosks pin (handed out at enrolment). */
export async function loadHqServerTls(
  dataDir: string,
): Promise<{ certificatePem: string; keyPem: string; caPem: string }> {
  const paths = hqTlsPaths(dataDir);
  const read = (file: string) =>
    readFile(file, 'utf8').catch((error: unknown) => {
      throw new Error(`cannot read ${file}: is ${dataDir} seeded (deploy/src/local/seed.ts)?`, {
        cause: error,
      });
    });
  const [certificatePem, keyPem, caPem] = await Promise.all([
    read(paths.serverCert),
    read(paths.serverKey),
    read(paths.caCert),
  ]);
  return { certificatePem, keyPem, caPem };
}

function isIp(name: string): boolean {
  try {
    ipBytes(name);
    return true;
  } catch {
    return false;
  }
}
