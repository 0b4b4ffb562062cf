import express, { type Router } from 'express';
import { HttpError } from '../api/errors';
import type { ResolvedDeps } from '../api/deps';
import { requestLogger } from '../api/request-log';
import { parseBody } from '../api/validate-body';
import { operatorOf, requireOperator } from '../ops/auth';
import { acknowledgeAlert, listAlerts } from './alerts';
import type { FleetBus } from './bus';
import { hourlyIssuances } from './issuance-counts';
import {
  AlertsQuery,
  HourlyQuery,
  TerminalListQuery,
  TimelineQuery,
  type AlertsResponse,
  type HourlyResponse,
  type TerminalDetailResponse,
  type TerminalListResponse,
} from './ops-schemas';
import { publishChanges } from './publish';
import { countByState, listTerminals, terminalAlerts, terminalSummary, timeline } from './terminals';

/**
 * The fleet part of /v1/ops: reading terminals, alerts and issuance counts (viewer) and acknowledging
 * alerts (operator). Mounted next to the ops module's own routes (login, staff codes…).
 */
export function fleetOpsRoutes(deps: ResolvedDeps, bus: FleetBus): Router {
  const router = express.Router();
  const viewer = requireOperator(deps.db, 'viewer');

  router.get('/terminals', viewer, async (req, res) => {
    const query = parseBody(TerminalListQuery, { ...req.query });
    const now = deps.now();
    const [list, counts] = await Promise.all([
      listTerminals(deps.db, now, {
        limit: query.limit,
        offset: query.offset,
        ...(query.state && { state: query.state }),
        ...(query.q && { q: query.q }),
      }),
      countByState(deps.db, now),
    ]);
    const body: TerminalListResponse = { ...list, counts };
    res.json(body);
  });

  router.get('/terminals/:terminalId', viewer, async (req, res) => {
    const query = parseBody(TimelineQuery, { ...req.query });
    const terminalId = String(req.params.terminalId);
    const terminal = await terminalSummary(deps.db, deps.now(), terminalId);
    if (!terminal) throw new HttpError('NOT_FOUND', 'no such terminal');
    const [page, alerts] = await Promise.all([
      timeline(deps.db, terminalId, { limit: query.limit, ...(query.before && { before: query.before }) }),
      terminalAlerts(deps.db, terminalId, 100),
    ]);
    const body: TerminalDetailResponse = {
      terminal,
      timeline: page.events,
      nextBefore: page.nextBefore,
      alerts,
    };
    res.json(body);
  });

  router.get('/alerts', viewer, async (req, res) => {
    const query = parseBody(AlertsQuery, { ...req.query });
    const alerts = await listAlerts(deps.db, {
      limit: query.limit,
      ...(query.open && { open: query.open === 'true' }),
      ...(query.terminal && { terminalId: query.terminal }),
    });
    const body: AlertsResponse = { alerts };
    res.json(body);
  });

  router.post('/alerts/:alertId/ack', requireOperator(deps.db, 'operator'), async (req, res) => {
    const operator = operatorOf(res);
    const now = deps.now();
    const result = await acknowledgeAlert(deps.db, String(req.params.alertId), operator.id, now);
    if (!result.ok) throw new HttpError('NOT_FOUND', 'no such alert');
    requestLogger(res)?.info({
      event: 'fleet.alert_acknowledged',
      alertId: result.change.alert.id,
      terminalId: result.change.alert.terminalId,
      operatorId: operator.id,
    });
    await publishChanges(deps.db, now, (event) => bus.publish(event), [result.change]);
    res.json({ alert: result.change.alert });
  });

  router.get('/issuances/hourly', viewer, async (req, res) => {
    const query = parseBody(HourlyQuery, { ...req.query });
    const body: HourlyResponse = { hours: await hourlyIssuances(deps.db, deps.now(), query.hours) };
    res.json(body);
  });

  return router;
}
