import express, { type Router } from 'express';
import type { ResolvedDeps } from '../../api/deps';
import { HttpError } from '../../api/errors';
import { requestLogger } from '../../api/request-log';
import { parseBody } from '../../api/validate-body';
import { appendAudit } from '../../db/audit';
import { clearSessionCookie, requireOperator, setSessionCookie } from '../auth';
import { clearLoginFailures, lockedForMs, recordLoginFailure } from '../login-throttle';
import { findOperatorByUsername } from '../operators';
import { dummyPasswordHash, verifyPassword } from '../password';
import { LoginRequest, type LoginResponse } from '../schemas';
import { createOperatorSession, deleteOperatorSession, type OperatorSession } from '../sessions';

/** POST /login, POST /logout, GET /me. */
export function sessionRoutes(deps: ResolvedDeps): Router {
  const router = express.Router();
  const { db } = deps;

  router.post('/login', async (req, res) => {
    const body = parseBody(LoginRequest, req.body);
    const username = body.username.toLowerCase();
    const now = deps.now();
    const log = requestLogger(res);
    const lockedMs = await lockedForMs(db, username, now);
    if (lockedMs > 0) {
      await appendAudit(db, { event: 'operator.login_locked', at: now, code: 'LOGIN_THROTTLED' });
      log?.warn({ event: 'ops.login_locked' }, 'login refused: too many failures');
      res.setHeader('retry-after', String(Math.ceil(lockedMs / 1000)));
      throw new HttpError('LOGIN_THROTTLED', 'too many failed logins: try again later');
    }
    const operator = await findOperatorByUsername(db, username);
    // Unknown and disabled users cost the same scrypt time as a wrong password, and get the same answer.
    const matches = await verifyPassword(
      body.password,
      operator?.passwordHash ?? (await dummyPasswordHash()),
    );
    if (!operator || operator.disabled || !matches) {
      await recordLoginFailure(db, username, now);
      await appendAudit(db, {
        event: 'operator.login_failed',
        at: now,
        code: 'OPERATOR_UNAUTHENTICATED',
        ...(operator && { operatorId: operator.id }),
      });
      log?.warn({ event: 'ops.login_failed' }, 'login failed');
      throw new HttpError('OPERATOR_UNAUTHENTICATED', 'username or password wrong');
    }
    await clearLoginFailures(db, username);
    const session = await db.transaction(async (tx) => {
      const created = await createOperatorSession(tx, operator.id, now);
      await appendAudit(tx, { event: 'operator.login_ok', at: now, operatorId: operator.id });
      return created;
    });
    log?.info({ event: 'ops.login', operatorId: operator.id }, 'operator logged in');
    setSessionCookie(res, session.cookieValue);
    const answer: LoginResponse = {
      operator: { id: operator.id, username: operator.username, role: operator.role },
      csrfToken: session.csrfToken,
    };
    res.json(answer);
  });

  const loggedIn = requireOperator(db, 'viewer');

  router.post('/logout', loggedIn, async (_req, res) => {
    const session = res.locals.operatorSession as OperatorSession;
    await db.transaction(async (tx) => {
      await deleteOperatorSession(tx, session.idSha256);
      await appendAudit(tx, { event: 'operator.logout', at: deps.now(), operatorId: session.operator.id });
    });
    clearSessionCookie(res);
    res.status(204).end();
  });

  router.get('/me', loggedIn, (_req, res) => {
    const session = res.locals.operatorSession as OperatorSession;
    const answer: LoginResponse = { operator: session.operator, csrfToken: session.csrfToken };
    res.json(answer);
  });

  return router;
}
