import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Database } from '../db/database';
import { findActiveTerminal } from '../db/terminals';
import { HttpError, sendError } from './errors';
import { requestLogger, setTerminal } from './request-log';
import { TERMINAL_ID_HEADER } from './schemas';

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]{16,512})$/;
const TERMINAL_ID = /^[A-Za-z0-9-]{1,64}$/;

/**
 * Terminal authentication for /v1/kiosk/*: `x-terminal-id` plus `Authorization: Bearer <token>`, checked
 * against the SHA-256 stored for a terminal that is not revoked. (Mutual TLS with terminal certificates
 * replaces the bearer token later.) Every failure gets the same answer, so it says nothing about which part
 * was wrong.
 */
export function terminalAuth(db: Database): RequestHandler {
  return async (req, res, next) => {
    const claimedId = req.get(TERMINAL_ID_HEADER);
    const token = BEARER.exec(req.get('authorization') ?? '')?.[1];
    const terminal =
      claimedId && TERMINAL_ID.test(claimedId) && token ? await findActiveTerminal(db, claimedId) : null;
    if (terminal && token && tokenMatches(token, terminal.tokenSha256)) {
      setTerminal(res, terminal.id);
      return next();
    }
    requestLogger(res)?.warn({ event: 'terminal.unauthenticated' }, 'terminal authentication failed');
    sendError(res, new HttpError('TERMINAL_UNAUTHENTICATED', 'terminal authentication failed'));
  };
}

export function hashTerminalToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function tokenMatches(token: string, storedSha256: string): boolean {
  const presented = Buffer.from(hashTerminalToken(token), 'hex');
  const stored = Buffer.from(storedSha256, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
