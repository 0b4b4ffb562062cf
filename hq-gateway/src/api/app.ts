import express, { type Express } from 'express';
import { resolveDeps, type AppDeps } from './deps';
import { errorHandler, notFound } from './errors';
import { requestLogging } from './request-log';
import { createAppChallenge, createChallenge } from './routes/challenges';
import { documentKey } from './routes/document-key';
import { enroll, type EnrollmentDeps } from './routes/enroll';
import { health } from './routes/health';
import { createIssuance, replaceIssuanceCopy, reportIssuanceCopy } from './routes/issuances';
import { reportStatus } from './routes/status';
import { fleetBusOf } from '../fleet/bus';
import { dashboardRoutes } from '../fleet/dashboard-static';
import { fleetOpsRoutes } from '../fleet/ops-routes';
import {
  postPinReset,
  postPinResetOutcome,
  postPinResetToken,
  postReservation,
  postReservationCancel,
  postReservationList,
} from './routes/pin-reset';
import { openSession } from './routes/sessions';
import { getOffer } from './routes/offer';
import { verifySealRoute } from './routes/verify';
import { verifyPage, verifyScript, verifyStyle } from './routes/verify-page';
import { terminalAuth } from './terminal-auth';
import { createMetrics, type MetricsOptions } from '../metrics/metrics';
import { DEFAULT_RATE_LIMITS, perClientLimit, type RateLimits } from './rate-limit';
import { kioskStaffCodes, opsRoutes } from '../ops/routes';

/** The largest valid body is a session request: a ≤ 8 KiB base64 certificate plus a signature. */
const JSON_BODY_LIMIT = '16kb';

/**
 * HQ's HTTP API. Pure wiring: every route's logic lives in its own module. `enrollment` (the terminal CA and
 * the CA kiosks pin) enables /v1/enroll.
 */
export function createApp(
  appDeps: AppDeps & {
    enrollment?: EnrollmentDeps;
    metrics?: MetricsOptions;
    rateLimits?: Partial<RateLimits>;
  },
): Express {
  const deps = resolveDeps(appDeps);
  const app = express();
  app.disable('x-powered-by');
  app.use(requestLogging(deps.logger));
  // Prometheus: per-instance registry; /metrics answers loopback only unless opened (metrics/metrics.ts).
  const metrics = createMetrics(deps, appDeps.metrics);
  app.use(metrics.observe);
  app.get('/metrics', metrics.endpoint);
  // Per-client request rates on the open routes, counted before any body is parsed.
  const limits = { ...DEFAULT_RATE_LIMITS, ...appDeps.rateLimits };
  app.use('/v1/verify', perClientLimit('verify', limits.verify));
  app.use('/v1/app', perClientLimit('app', limits.app));
  app.use('/v1/enroll', perClientLimit('enroll', limits.enroll));
  app.post('/v1/ops/login', perClientLimit('login', limits.login));
  app.use(express.json({ limit: JSON_BODY_LIMIT }));

  app.get('/v1/health', health(deps.db));
  // The printed QR seal's check: public, no terminal credentials.
  app.get('/v1/verify', verifySealRoute(deps));
  app.get('/verify', verifyPage);
  app.get('/verify.js', verifyScript);
  app.get('/verify.css', verifyStyle);
  // Enrolment: the one-time code is the credential (no client certificate yet).
  if (appDeps.enrollment) app.post('/v1/enroll', enroll({ ...deps, ...appDeps.enrollment }));

  const kiosk = express.Router();
  kiosk.use(terminalAuth(deps));
  kiosk.post('/challenges', createChallenge(deps));
  kiosk.post('/sessions', openSession(deps));
  kiosk.get('/sessions/:sessionId/offer', getOffer(deps));
  kiosk.post('/issuances', createIssuance(deps));
  kiosk.post('/issuances/:issuanceId/copies/:serial', reportIssuanceCopy(deps));
  kiosk.post('/issuances/:issuanceId/copies/:serial/replacement', replaceIssuanceCopy(deps));
  kiosk.post('/status', reportStatus(deps, fleetBusOf(app)));
  kiosk.get('/document-key', documentKey(deps.documentKey));
  kiosk.get('/staff-codes', kioskStaffCodes(deps));
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

  // The operator dashboard and its read API (the live channel is attached to the server: fleet/live.ts).
  // Login, operators, staff codes, terminal admin (ops/); also gives requireOperator the app's clock.
  app.use('/v1/ops', opsRoutes(app, deps));
  app.use('/v1/ops', fleetOpsRoutes(deps, fleetBusOf(app)));
  app.use('/dashboard', dashboardRoutes());

  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}
