import { randomBytes, randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { insertChallenge } from '../../db/challenges';
import type { ResolvedDeps } from '../deps';
import { requestLogger, terminalOf } from '../request-log';
import { ChallengeRequest, type ChallengeResponse } from '../schemas';
import { parseBody } from '../validate-body';

/** POST /v1/kiosk/challenges: 32 random bytes for the card to sign, single use, bound to this terminal. */
export function createChallenge(deps: ResolvedDeps): RequestHandler {
  return async (req, res) => {
    const { purpose } = parseBody(ChallengeRequest, req.body);
    const terminalId = terminalOf(res);
    const now = deps.now();
    const challenge = {
      id: randomUUID(),
      terminalId,
      purpose,
      nonce: randomBytes(32).toString('base64'),
      createdAt: now,
      expiresAt: new Date(now.getTime() + deps.challengeTtlMs),
    };
    await insertChallenge(deps.db, challenge);
    requestLogger(res)?.info(
      { event: 'challenge.issued', challengeId: challenge.id, purpose },
      'challenge issued',
    );
    const body: ChallengeResponse = {
      challengeId: challenge.id,
      nonce: challenge.nonce,
      expiresAt: challenge.expiresAt.toISOString(),
    };
    res.status(201).json(body);
  };
}
