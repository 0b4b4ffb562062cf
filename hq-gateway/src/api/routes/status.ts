import type { RequestHandler } from 'express';
import { recordStatus } from '../../fleet/status';
import type { ResolvedDeps } from '../deps';
import { requestLogger, terminalOf } from '../request-log';
import { StatusReport } from '../schemas';
import { parseBody } from '../validate-body';

/** POST /v1/kiosk/status: the terminal's device status, a snapshot then changes. */
export function reportStatus(deps: ResolvedDeps): RequestHandler {
  return async (req, res) => {
    const report = parseBody(StatusReport, req.body);
    const terminalId = terminalOf(res);
    const result = await recordStatus(deps.db, terminalId, report, deps.now());
    const fields = report.kind === 'snapshot' ? report.status : report.fields;
    requestLogger(res)?.info({
      event: 'terminal.status',
      kind: report.kind,
      fields,
      applied: result.applied,
    });
    res.json(result);
  };
}
