import type { RequestHandler } from 'express';
import { verifySeal } from '../../issuance/verify-seal';
import type { ResolvedDeps } from '../deps';
import { requestLogger } from '../request-log';
import { VerifyQuery, type VerifyResponse } from '../schemas';
import { parseBody } from '../validate-body';

/**
 * GET /v1/verify?seal=…: public (no terminal credentials). Answers valid / void / forged for a scanned QR
 * seal; the signed fields come back only when HQ's signature holds.
 */
export function verifySealRoute(deps: ResolvedDeps): RequestHandler {
  return async (req, res) => {
    const { seal } = parseBody(VerifyQuery, req.query);
    const { unknownSerial, ...verdict } = await verifySeal(deps.db, deps.documentKey, seal);
    const log = requestLogger(res);
    if (unknownSerial) {
      // A correctly signed seal HQ has no copy for: only lost data explains it, so an operator must look.
      log?.warn({ event: 'verify.unknown_serial' }, 'signed seal with an unknown serial');
    }
    log?.info(
      { event: 'verify.checked', result: verdict.result, reason: verdict.reason, serial: verdict.fields?.s },
      'seal verified',
    );
    const body: VerifyResponse = verdict;
    res.set('cache-control', 'no-store').json(body);
  };
}
