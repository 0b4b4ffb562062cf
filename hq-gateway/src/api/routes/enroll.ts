import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Database } from '../../db/database';
import type { TerminalCa } from '../../pki/terminal-ca';
import { EnrollRequest, type EnrollResponse } from '../../terminals/enroll-contract';
import { enrollTerminal, type EnrollmentRefusal } from '../../terminals/enrollment';
import { HttpError } from '../errors';
import { requestLogger, setTerminal } from '../request-log';
import { parseBody } from '../validate-body';

export interface EnrollmentDeps {
  terminalCa: TerminalCa;
  /** HQ's TLS CA (PEM), handed to the kiosk to pin. */
  hqCaPem: string;
}

const CSR_MESSAGES: Partial<Record<EnrollmentRefusal, string>> = {
  CSR_MALFORMED: 'not a PKCS#10 certification request',
  CSR_KEY_UNSUPPORTED: 'the key must be ECDSA P-256, signed with SHA-256',
  CSR_SIGNATURE_INVALID: 'the request is not signed by its key',
};

/**
 * POST /v1/enroll: no client certificate needed — the one-time code is the credential. A bad CSR is a
 * VALIDATION_FAILED the kiosk can fix; every code problem (unknown, used, expired) gets one and the same
 * answer, with the reason in HQ's log only.
 */
export function enroll(
  deps: EnrollmentDeps & { db: Database; now: () => Date; logger: Logger },
): RequestHandler {
  return async (req, res) => {
    const body = parseBody(EnrollRequest, req.body);
    const result = await enrollTerminal(
      { db: deps.db, terminalCa: deps.terminalCa, now: deps.now() },
      { code: body.code, csr: body.csr },
    );
    const log = requestLogger(res) ?? deps.logger;
    if (!result.ok) {
      log.warn({ event: 'terminal.enrollment_refused', reason: result.reason }, 'enrolment refused');
      const csrMessage = CSR_MESSAGES[result.reason];
      if (csrMessage)
        throw new HttpError('VALIDATION_FAILED', csrMessage, [{ path: 'csr', message: csrMessage }]);
      throw new HttpError('TERMINAL_UNAUTHENTICATED', 'enrolment code not accepted');
    }
    setTerminal(res, result.terminalId);
    log.info(
      { event: 'terminal.enrolled', terminalId: result.terminalId, certSha256: result.sha256 },
      'terminal enrolled',
    );
    const answer: EnrollResponse = {
      terminalId: result.terminalId,
      certificate: result.certificatePem,
      hqCaCertificate: deps.hqCaPem,
      notAfter: result.notAfter.toISOString(),
    };
    res.status(201).json(answer);
  };
}
