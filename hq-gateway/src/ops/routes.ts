import express, { type Express, type RequestHandler } from 'express';
import type { ResolvedDeps } from '../api/deps';
import { terminalOf } from '../api/request-log';
import type { StaffCodesResponse } from '../api/schemas';
import { setOperatorClock } from './auth';
import { adminRoutes } from './routes/admin-routes';
import { sessionRoutes } from './routes/session-routes';
import { staffCodeRoutes } from './routes/staff-code-routes';
import { currentStaffCodes } from './staff-codes';

/**
 * The ops module's part of /v1/ops (login, operators, staff codes, terminal admin). Mount before any other
 * /v1/ops router: it also hands the app's clock to requireOperator for every ops route.
 */
export function opsRoutes(app: Express, deps: ResolvedDeps): express.Router {
  setOperatorClock(app.locals, deps.now);
  const router = express.Router();
  router.use(sessionRoutes(deps));
  router.use(staffCodeRoutes(deps));
  router.use(adminRoutes(deps));
  return router;
}

/** GET /v1/kiosk/staff-codes (behind terminalAuth): the terminal's current scrypt records, never a code. */
export function kioskStaffCodes(deps: ResolvedDeps): RequestHandler {
  return async (_req, res) => {
    const answer: StaffCodesResponse = { codes: await currentStaffCodes(deps.db, terminalOf(res)) };
    res.json(answer);
  };
}
