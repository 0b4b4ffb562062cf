import { timingSafeEqual } from 'node:crypto';
import { parseCookie, stringifySetCookie } from 'cookie';
import type { Request, RequestHandler, Response } from 'express';
import type { Database, Queryable } from '../db/database';
import { HttpError, sendError } from '../api/errors';
import { requestLogger } from '../api/request-log';
import { roleAllows, type Operator, type OperatorRole } from './operators';
import { findOperatorSession, SESSION_ABSOLUTE_MS, type OperatorSession } from './sessions';

export type { Operator, OperatorRole } from './operators';

/** The operator session cookie: HttpOnly, Secure, SameSite=Strict, Path=/. */
export const SESSION_COOKIE = 'hq_session';
export const CSRF_HEADER = 'x-csrf-token';

/** Set by createApp (ops/routes.ts) so that every operator check uses the app's clock (tests inject one). */
const CLOCK_KEY = 'hqOperatorClock';

export function setOperatorClock(locals: Record<string, unknown>, now: () => Date): void {
  locals[CLOCK_KEY] = now;
}

function clockOf(req: Request): Date {
  const now = (req.app.locals as Record<string, unknown>)[CLOCK_KEY];
  return typeof now === 'function' ? (now as () => Date)() : new Date();
}

function sessionCookie(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  return parseCookie(cookieHeader)[SESSION_COOKIE];
}

/** The live session behind a request's cookie, or null. */
export function sessionOf(db: Queryable, req: Request): Promise<OperatorSession | null> {
  const value = sessionCookie(req.get('cookie'));
  return value ? findOperatorSession(db, value, clockOf(req)) : Promise.resolve(null);
}

function csrfMatches(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * Requires a valid session cookie (and, for anything but GET/HEAD, a matching x-csrf-token header) and at
 * least `role`; sets res.locals.operator. Answers 401 / 403 with the usual HqErrorBody otherwise.
 */
export function requireOperator(db: Database, role: OperatorRole): RequestHandler {
  return async (req, res, next) => {
    try {
      const session = await sessionOf(db, req);
      if (!session) {
        return sendError(res, new HttpError('OPERATOR_UNAUTHENTICATED', 'not logged in or session expired'));
      }
      if (!SAFE_METHODS.has(req.method) && !csrfMatches(req.get(CSRF_HEADER), session.csrfToken)) {
        requestLogger(res)?.warn({ event: 'ops.csrf_refused', operatorId: session.operator.id }, 'CSRF');
        return sendError(res, new HttpError('CSRF_TOKEN_INVALID', 'missing or wrong x-csrf-token'));
      }
      if (!roleAllows(session.operator.role, role)) {
        return sendError(res, new HttpError('OPERATOR_FORBIDDEN', `needs role ${role}`));
      }
      res.locals.operator = session.operator;
      res.locals.operatorSession = session;
      next();
    } catch (error) {
      next(error);
    }
  };
}

/** The operator behind requireOperator; only call behind it. */
export function operatorOf(res: Response): Operator {
  const operator = (res.locals as { operator?: Operator }).operator;
  if (!operator) throw new Error('operatorOf called on an unauthenticated request');
  return operator;
}

/** For socket.io: the operator behind a handshake's cookie header, or null. */
export async function operatorFromCookieHeader(
  db: Database,
  cookieHeader: string | undefined,
  now: Date = new Date(),
): Promise<Operator | null> {
  const value = sessionCookie(cookieHeader);
  if (!value) return null;
  return (await findOperatorSession(db, value, now))?.operator ?? null;
}

export function setSessionCookie(res: Response, value: string): void {
  res.append(
    'set-cookie',
    stringifySetCookie(SESSION_COOKIE, value, {
      httpOnly: true,
      secure: true,
      sameSite: 'strict',
      path: '/',
      maxAge: SESSION_ABSOLUTE_MS / 1000,
    }),
  );
}

export function clearSessionCookie(res: Response): void {
  res.append(
    'set-cookie',
    stringifySetCookie(SESSION_COOKIE, '', {
      httpOnly: true,
      secure: true,
      sameSite: 'strict',
      path: '/',
      maxAge: 0,
    }),
  );
}
