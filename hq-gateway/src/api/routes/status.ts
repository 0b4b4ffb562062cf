import type { RequestHandler } from 'express';
import { ALERT_RULES, evaluateAlerts } from '../../fleet/alerts';
import type { FleetBus } from '../../fleet/bus';
import { publishChanges } from '../../fleet/publish';
import { recordStatus } from '../../fleet/status';
import type { ResolvedDeps } from '../deps';
import { requestLogger, terminalOf } from '../request-log';
import { StatusReport } from '../schemas';
import { parseBody } from '../validate-body';

/**
 * POST /v1/kiosk/status: the terminal's device status, a snapshot then changes, and heartbeats in between.
 * A status change re-evaluates the terminal's alerts and goes out live; a heartbeat only does so when the
 * terminal comes back from offline (heartbeats are the hot path: one row update, one read).
 */
export function reportStatus(deps: ResolvedDeps, bus: FleetBus): RequestHandler {
  return async (req, res) => {
    const report = parseBody(StatusReport, req.body);
    const terminalId = terminalOf(res);
    const now = deps.now();
    const result = await recordStatus(deps.db, terminalId, report, now);
    const cameBack =
      result.previousSeenAt === null ||
      now.getTime() - new Date(result.previousSeenAt).getTime() > ALERT_RULES.offlineAfterMs;
    if (report.kind !== 'heartbeat') {
      requestLogger(res)?.info({
        event: 'terminal.status',
        kind: report.kind,
        fields: report.kind === 'snapshot' ? report.status : report.fields,
        applied: result.applied,
      });
    }
    if ((report.kind !== 'heartbeat' && result.applied) || cameBack) {
      const changes = await evaluateAlerts(deps.db, now, terminalId);
      await publishChanges(deps.db, now, (event) => bus.publish(event), changes, [terminalId]);
    }
    res.json({ applied: result.applied });
  };
}
