import express, { type Express } from 'express';
import { resolveDeps, type AppDeps } from './deps';
import { errorHandler, notFound } from './errors';
import { requestLogging } from './request-log';
import { createAppChallenge, createChallenge } from './routes/challenges';
import { documentKey } from './routes/document-key';
import { health } from './routes/health';
import { createIssuance, replaceIssuanceCopy, reportIssuanceCopy } from './routes/issuances';
import { reportStatus } from './routes/status';
import {
  postPinReset,
  postPinResetOutcome,
  postPinResetToken,
  postReservation,
  postReservationCancel,
  postReservationList,
} from './routes/pin-reset';
import { openSession } from './routes/sessions';
import { terminalAuth } from './terminal-auth';

/** The largest valid body is a session request: a ≤ 8 KiB base64 certificate plus a signature. */
const JSON_BODY_LIMIT = '16kb';

/** HQ's HTTP API. Pure wiring: every route's logic lives in its own module. */
export function createApp(appDeps: AppDeps): Express {
  const deps = resolveDeps(appDeps);
  const app = express();
  app.disable('x-powered-by');
  app.use(requestLogging(deps.logger));
  app.use(express.json({ limit: JSON_BODY_LIMIT }));

  app.get('/v1/health', health(deps.db));

  const kiosk = express.Router();
  kiosk.use(terminalAuth(deps.db));
  kiosk.post('/challenges', createChallenge(deps));
  kiosk.post('/sessions', openSession(deps));
  kiosk.post('/issuances', createIssuance(deps));
  kiosk.post('/issuances/:issuanceId/copies/:serial', reportIssuanceCopy(deps));
  kiosk.post('/issuances/:issuanceId/copies/:serial/replacement', replaceIssuanceCopy(deps));
  kiosk.post('/status', reportStatus(deps));
  kiosk.get('/document-key', documentKey(deps.documentKey));
  kiosk.post('/pin-resets', postPinReset(deps));
  kiosk.post('/pin-resets/:resetId/token', postPinResetToken(deps));
  kiosk.post('/pin-resets/:resetId/outcome', postPinResetOutcome(deps));
  app.use('/v1/kiosk', kiosk);

  // The smartphone app: no terminal credentials; every request that touches a card carries a fresh proof.
  const appApi = express.Router();
  appApi.post('/challenges', createAppChallenge(deps));
  appApi.post('/pin-reset/reservations', postReservation(deps));
  appApi.post('/pin-reset/reservations/list', postReservationList(deps));
  appApi.post('/pin-reset/reservations/:reservationId/cancel', postReservationCancel(deps));
  app.use('/v1/app', appApi);

  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}
