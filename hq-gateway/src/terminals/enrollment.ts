import { X509Certificate } from 'node:crypto';
import { auditTerminalEnrolled } from '../audit/events';
import type { Database } from '../db/database';
import { claimEnrollmentCode, setTerminalCertificate, type CodeClaim } from '../db/terminals';
import { issueTerminalCertificate, type TerminalCa } from '../pki/terminal-ca';
import { verifyTerminalCsr, type CsrRefusal } from '../pki/terminal-csr';
import { certificatePem, certificateSha256 } from '../pki/tls-x509';
import { hashEnrollmentCode } from './enrollment-codes';

/**
 * Enrolment: a one-time code plus a CSR in, the terminal's client certificate out. The CSR is checked
 * (proof of possession) before the code is spent, so a kiosk whose request was malformed can try again with
 * the same code; the code is then claimed and the certificate recorded in one transaction.
 */

export type EnrollmentRefusal = CsrRefusal | Extract<CodeClaim, { ok: false }>['reason'];

export type EnrollmentResult =
  | { ok: true; terminalId: string; certificatePem: string; sha256: string; notAfter: Date }
  | { ok: false; reason: EnrollmentRefusal };

export async function enrollTerminal(
  deps: { db: Database; terminalCa: TerminalCa; now: Date },
  request: { code: string; csr: string },
): Promise<EnrollmentResult> {
  const csr = await verifyTerminalCsr(request.csr);
  if (!csr.ok) return { ok: false, reason: csr.reason };
  const codeSha256 = hashEnrollmentCode(request.code);

  return deps.db.transaction(async (tx): Promise<EnrollmentResult> => {
    const claim = await claimEnrollmentCode(tx, codeSha256, deps.now);
    if (!claim.ok) return { ok: false, reason: claim.reason };
    const der = await issueTerminalCertificate(deps.terminalCa, claim.terminalId, csr.publicKey, {
      now: deps.now,
    });
    const x509 = new X509Certificate(Buffer.from(der));
    const sha256 = certificateSha256(der);
    const notAfter = new Date(x509.validTo);
    await setTerminalCertificate(
      tx,
      {
        terminalId: claim.terminalId,
        sha256,
        serial: x509.serialNumber.toLowerCase(),
        notBefore: new Date(x509.validFrom),
        notAfter,
      },
      deps.now,
    );
    await auditTerminalEnrolled(tx, { terminalId: claim.terminalId, at: deps.now });
    return { ok: true, terminalId: claim.terminalId, certificatePem: certificatePem(der), sha256, notAfter };
  });
}
