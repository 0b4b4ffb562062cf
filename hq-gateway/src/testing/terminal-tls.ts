import { Agent } from 'undici';
import type { Database } from '../db/database';
import { createHqTlsCa, issueServerCertificate, type PemPair } from '../pki/tls-ca';
import type { GatewayTls } from '../pki/tls-server';
import { createTerminalCa, issueTerminalCertificate, type TerminalCa } from '../pki/terminal-ca';
import { createTerminalCsr } from '../pki/terminal-csr';
import { certificatePem, exportKeyPem, generateP256, loadSigningCa, publicKeyInfo } from '../pki/tls-x509';
import { createEnrollmentCode } from '../terminals/enrollment-codes';
import { enrollTerminal } from '../terminals/enrollment';
import { revokeTerminal } from '../terminals/revocation';

/**
 * Terminal identities for gateway tests: HQ's TLS CA and server certificate, the terminal CA, and kiosks
 * enrolled through the real enrolment service (code + CSR), each with an undici dispatcher that presents
 * its certificate and pins HQ's CA — what the kiosk agent does.
 */

export interface TestTerminal {
  id: string;
  /** PEM key and certificate, as the kiosk stores them. */
  keyPem: string;
  certificatePem: string;
  /** Presents the certificate; pins HQ's CA. */
  dispatcher: Agent;
}

export interface FixtureTls {
  hqCaPem: string;
  terminalCa: TerminalCa;
  server: GatewayTls;
  /** A client with HQ's CA and no certificate (the app, the dashboard, a kiosk not yet enrolled). */
  anonymous: Agent;
  /** Every dispatcher made here, to close with the fixture. */
  dispatchers: Agent[];
}

export async function createFixtureTls(): Promise<FixtureTls> {
  const [hqCa, terminalCa] = await Promise.all([createHqTlsCa(), createTerminalCa()]);
  const server: PemPair = await issueServerCertificate(await loadSigningCa(hqCa.certificatePem, hqCa.keyPem));
  const anonymous = new Agent({ connect: { ca: hqCa.certificatePem } });
  return {
    hqCaPem: hqCa.certificatePem,
    terminalCa,
    server: {
      certificatePem: server.certificatePem,
      keyPem: server.keyPem,
      clientCaPem: terminalCa.certificatePem,
    },
    anonymous,
    dispatchers: [anonymous],
  };
}

/** A dispatcher presenting `keyPem`/`certificatePem` to a gateway whose CA is `tls.hqCaPem`. */
export function terminalWithCertificate(
  tls: FixtureTls,
  id: string,
  keyPem: string,
  certificatePemText: string,
): TestTerminal {
  const dispatcher = new Agent({ connect: { ca: tls.hqCaPem, key: keyPem, cert: certificatePemText } });
  tls.dispatchers.push(dispatcher);
  return { id, keyPem, certificatePem: certificatePemText, dispatcher };
}

/** Creates a one-time code for `id` and enrols a fresh key with it through the enrolment service. */
export async function enrollTestTerminal(
  db: Database,
  tls: FixtureTls,
  id: string,
  now: Date = new Date(),
): Promise<TestTerminal> {
  const { code } = await createEnrollmentCode(db, { terminalId: id, now });
  const keys = await generateP256();
  const result = await enrollTerminal(
    { db, terminalCa: tls.terminalCa, now },
    { code, csr: await createTerminalCsr(keys) },
  );
  if (!result.ok) throw new Error(`test enrolment of ${id} failed: ${result.reason}`);
  return terminalWithCertificate(tls, id, await exportKeyPem(keys.privateKey), result.certificatePem);
}

/** A certificate for `id` from `ca` that HQ never recorded (another CA, an expired one, …). */
export async function unrecordedTerminal(
  tls: FixtureTls,
  ca: TerminalCa,
  id: string,
  validity: { notBefore?: Date; notAfter?: Date } = {},
): Promise<TestTerminal> {
  const keys = await generateP256();
  const der = await issueTerminalCertificate(ca, id, await publicKeyInfo(keys.publicKey), validity);
  return terminalWithCertificate(tls, id, await exportKeyPem(keys.privateKey), certificatePem(der));
}

/** The fixture's terminals: a and b enrolled, `revoked` enrolled and then revoked. */
export async function enrollFixtureTerminals(db: Database, tls: FixtureTls) {
  const [a, b, revoked] = await Promise.all([
    enrollTestTerminal(db, tls, 'T-TEST-0001'),
    enrollTestTerminal(db, tls, 'T-TEST-0002'),
    enrollTestTerminal(db, tls, 'T-TEST-0003'),
  ]);
  await revokeTerminal(db, revoked.id);
  return { a, b, revoked };
}
