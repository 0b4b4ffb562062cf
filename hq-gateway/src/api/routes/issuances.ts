import type { RequestHandler } from 'express';
import { z } from 'zod';
import { issueDocuments } from '../../issuance/issue';
import { reportCopy } from '../../issuance/store';
import { replaceSpoiledCopy } from '../../issuance/replace';
import type { ResolvedDeps } from '../deps';
import { HttpError } from '../errors';
import { requestLogger, terminalOf } from '../request-log';
import {
  CopyReportRequest,
  DocumentPayload,
  IssuanceRequest,
  ReplacementRequest,
  type CopyReportResponse,
} from '../schemas';

type CopyReportAnswer = z.infer<typeof CopyReportResponse>;
import { parseBody } from '../validate-body';

/** POST /v1/kiosk/issuances: see issuance/issue.ts. The answer is sent as stored text, byte-identical on retry. */
export function createIssuance(deps: ResolvedDeps): RequestHandler {
  return async (req, res) => {
    const request = parseBody(IssuanceRequest, req.body);
    const terminalId = terminalOf(res);
    const result = await issueDocuments(deps, terminalId, request);
    const log = requestLogger(res);
    if (!result.ok) {
      log?.warn(
        {
          event: 'issuance.refused',
          code: result.code,
          reason: result.reason,
          certificate: request.options.type,
          sessionId: request.sessionId,
        },
        'issuance refused',
      );
      throw new HttpError(result.code, result.message, undefined, undefined, result.reason);
    }
    log?.info(
      {
        event: `issuance.${result.outcome}`,
        issuanceId: result.issuanceId,
        certificate: request.options.type,
        sessionId: request.sessionId,
      },
      `issuance ${result.outcome}`,
    );
    res.status(201).type('application/json').send(result.body);
  };
}

const CopyParams = z.object({
  issuanceId: z.uuid(),
  serial: DocumentPayload.shape.serial,
});

/** POST /v1/kiosk/issuances/:issuanceId/copies/:serial: printed or spoiled; retries are harmless. */
export function reportIssuanceCopy(deps: ResolvedDeps): RequestHandler {
  return async (req, res) => {
    const params = parseBody(CopyParams, req.params);
    const { status } = parseBody(CopyReportRequest, req.body);
    const terminalId = terminalOf(res);
    const now = deps.now();
    const result = await reportCopy(
      deps.db,
      { terminalId, ...params, status, at: now },
      {
        event: status === 'printed' ? 'issuance.copy_printed' : 'issuance.copy_spoiled',
        at: now,
        terminalId,
        issuanceId: params.issuanceId,
        serial: params.serial,
      },
    );
    if (!result.ok) {
      const message =
        result.code === 'IDEMPOTENCY_CONFLICT'
          ? `copy already reported as ${result.current}`
          : 'no such copy';
      throw new HttpError(result.code, result.code === 'ISSUANCE_NOT_FOUND' ? 'no such issuance' : message);
    }
    requestLogger(res)?.info(
      {
        event: 'issuance.copy_reported',
        issuanceId: params.issuanceId,
        serial: params.serial,
        status,
        changed: result.changed,
      },
      'copy reported',
    );
    const body: CopyReportAnswer = { serial: result.serial, status: result.status };
    res.json(body);
  };
}

/** POST /v1/kiosk/issuances/:issuanceId/copies/:serial/replacement: a new serial for a spoiled copy. */
export function replaceIssuanceCopy(deps: ResolvedDeps): RequestHandler {
  return async (req, res) => {
    const params = parseBody(CopyParams, req.params);
    parseBody(ReplacementRequest, req.body ?? {});
    const result = await replaceSpoiledCopy(deps, terminalOf(res), params.issuanceId, params.serial);
    if (!result.ok) throw new HttpError(result.code, result.message);
    requestLogger(res)?.info(
      {
        event: 'issuance.copy_replaced',
        issuanceId: params.issuanceId,
        replaces: params.serial,
        replayed: result.replayed,
      },
      'spoiled copy replaced',
    );
    res
      .status(result.replayed ? 200 : 201)
      .type('application/json')
      .send(result.body);
  };
}
