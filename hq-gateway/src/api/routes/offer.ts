import type { RequestHandler } from 'express';
import { z } from 'zod';
import { loadSessionOffer } from '../../issuance/offer-loader';
import type { ResolvedDeps } from '../deps';
import { HttpError } from '../errors';
import { requestLogger, terminalOf } from '../request-log';
import type { OfferResponse } from '../schemas';
import { parseBody } from '../validate-body';

const OfferParams = z.object({ sessionId: z.uuid() });

/**
 * GET /v1/kiosk/sessions/:sessionId/offer: what the session's card holder may get now, by HQ's clock
 * (issuance/offer.ts). Only this terminal's unexpired sessions have one.
 */
export function getOffer(deps: ResolvedDeps): RequestHandler {
  return async (req, res) => {
    const { sessionId } = parseBody(OfferParams, req.params);
    const now = deps.now();
    const found = await loadSessionOffer(deps.db, sessionId, terminalOf(res), now);
    if (!found) throw new HttpError('SESSION_NOT_FOUND', 'no such session');
    if (found.session.expiresAt.getTime() <= now.getTime())
      throw new HttpError('SESSION_EXPIRED', 'session expired');
    const { loaded } = found;
    if (!loaded) throw new HttpError('SERVICE_REFUSED', 'resident no longer registered');
    const { offer, records } = loaded;
    requestLogger(res)?.info(
      {
        event: 'offer.computed',
        sessionId,
        refusal: offer.refusal,
        available: offer.certificates.filter((c) => c.available).map((c) => c.type),
      },
      'offer computed',
    );
    const answer: OfferResponse = {
      sessionId,
      municipality: { code: records.municipality.code, name: records.municipality.name },
      refusal: offer.refusal,
      certificates: offer.certificates,
      at: now.toISOString(),
    };
    res.json(answer);
  };
}
