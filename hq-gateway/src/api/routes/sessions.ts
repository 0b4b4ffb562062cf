import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { appendAudit } from '../../db/audit';
import { consumeChallenge } from '../../db/challenges';
import { insertSession } from '../../db/sessions';
import { validateUserAuthentication } from '../../pki/validate';
import { loadCardHolderOffer } from '../../issuance/offer-loader';
import type { ResolvedDeps } from '../deps';
import { HttpError, refusalMessage } from '../errors';
import { requestLogger, terminalOf } from '../request-log';
import { ChallengePurpose, SessionRequest, type HqErrorCode, type SessionResponse } from '../schemas';
import { parseBody } from '../validate-body';

/**
 * POST /v1/kiosk/sessions: the card's proof of possession. The challenge is consumed before anything is
 * checked, so a failed attempt cannot be retried against the same nonce. Then the certificate path to a
 * user-authentication CA, its validity, the signature, and finally the certificate → resident mapping.
 */
export function openSession(deps: ResolvedDeps): RequestHandler {
  return async (req, res) => {
    const body = parseBody(SessionRequest, req.body);
    const terminalId = terminalOf(res);
    const now = deps.now();

    const challenge = await consumeChallenge(deps.db, { id: body.challengeId, terminalId, at: now });
    if (!challenge.ok) return refuse(deps, res, challenge.code, 'challenge not usable', now);
    const purpose = ChallengePurpose.parse(challenge.purpose);
    // The signature is checked against the stored purpose, so a challenge taken out for another purpose
    // (a PIN reset) would otherwise open a kiosk session.
    if (purpose !== 'kiosk-session')
      return refuse(deps, res, 'CHALLENGE_NOT_FOUND', 'challenge of another purpose', now);

    const validation = await validateUserAuthentication({
      certificate: Buffer.from(body.certificate, 'base64'),
      signature: Buffer.from(body.signature, 'base64'),
      nonce: Buffer.from(challenge.nonce, 'base64'),
      terminalId,
      purpose,
      trustAnchors: deps.trustStore.userAuth,
      at: now,
      chainCache: deps.chainCache,
      ...(deps.revokedSerials && { revokedSerials: deps.revokedSerials }),
    });
    if (!validation.ok) return refuse(deps, res, validation.code, validation.reason, now);

    const found = await loadCardHolderOffer(deps.db, validation.certificate, now);
    if (!found) return refuse(deps, res, 'CARD_NOT_REGISTERED', 'certificate not registered to a card', now);
    const { holder } = found;

    const session = {
      id: randomUUID(),
      terminalId,
      cardId: holder.cardId,
      residentId: holder.residentId,
      cardCertSha256: validation.certificate.sha256,
      createdAt: now,
      expiresAt: new Date(now.getTime() + deps.sessionTtlMs),
    };
    await insertSession(deps.db, session, {
      event: 'session.opened',
      at: now,
      terminalId,
      sessionId: session.id,
      cardId: holder.cardId,
      residentId: holder.residentId,
    });
    requestLogger(res)?.info(
      { event: 'session.opened', sessionId: session.id, cardId: holder.cardId },
      'session opened',
    );
    // services: what is available right now; offer: every certificate the municipality issues, with its fee.
    const { certificates } = found.loaded.offer;
    const answer: SessionResponse = {
      sessionId: session.id,
      expiresAt: session.expiresAt.toISOString(),
      municipality: holder.municipality,
      services: certificates.filter((c) => c.available).map((c) => c.type),
      offer: certificates.map((c) => ({ certificate: c.type, feeYen: c.feeYen })),
    };
    res.status(201).json(answer);
  };
}

/** Audits and logs the refusal (code and technical reason only), then answers with the code. */
async function refuse(
  deps: ResolvedDeps,
  res: Response,
  code: HqErrorCode,
  reason: string,
  now: Date,
): Promise<never> {
  await appendAudit(deps.db, { event: 'session.refused', at: now, terminalId: terminalOf(res), code });
  requestLogger(res)?.warn({ event: 'session.refused', code, reason }, 'session refused');
  throw new HttpError(code, refusalMessage(code));
}
