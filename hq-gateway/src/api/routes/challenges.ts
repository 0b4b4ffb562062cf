import { randomBytes, randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { insertChallenge } from '../../db/challenges';
import type { ResolvedDeps } from '../deps';
import { HttpError } from '../errors';
import { requestLogger, terminalOf } from '../request-log';
import {
  AppChallengeRequest,
  ChallengeRequest,
  type ChallengePurpose,
  type ChallengeResponse,
} from '../schemas';
import { parseBody } from '../validate-body';

/** POST /v1/kiosk/challenges: 32 random bytes for the card to sign, single use, bound to this terminal. */
export function createChallenge(deps: ResolvedDeps): RequestHandler {
  return async (req, res) => {
    const { purpose } = parseBody(ChallengeRequest, req.body);
    if (purpose === 'app-pin-reset') {
      throw new HttpError('VALIDATION_FAILED', 'request does not match the schema', [
        { path: 'purpose', message: 'app-pin-reset challenges are for the app (/v1/app/challenges)' },
      ]);
    }
    await issueChallenge(deps, res, terminalOf(res), purpose);
  };
}

/**
 * POST /v1/app/challenges: the smartphone app's challenge (no terminal credentials), bound to no terminal,
 * signed for APP_SIGNER_ID. Same lifetime and single use as a kiosk's.
 */
export function createAppChallenge(deps: ResolvedDeps): RequestHandler {
  return async (req, res) => {
    const { purpose } = parseBody(AppChallengeRequest, req.body);
    await issueChallenge(deps, res, null, purpose);
  };
}

async function issueChallenge(
  deps: ResolvedDeps,
  res: Response,
  terminalId: string | null,
  purpose: ChallengePurpose,
): Promise<void> {
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
}
