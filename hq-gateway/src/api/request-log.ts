import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { HqErrorCode } from './schemas';

/**
 * Per-request logging: a request id (the caller's x-request-id when it is a plain token, else a new one),
 * a child logger carrying it, and one `http.request` line when the response is finished. Only method, route,
 * status, duration, terminal id and error code are logged — never bodies, which carry certificates and, in
 * answers, personal data.
 */

interface RequestLocals {
  requestId: string;
  log: Logger;
  terminalId?: string;
  errorCode?: HqErrorCode;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

function locals(res: Response): Partial<RequestLocals> {
  return res.locals as Partial<RequestLocals>;
}

export function requestLogging(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const started = process.hrtime.bigint();
    const l = locals(res);
    l.requestId = requestId;
    l.log = logger.child({ requestId });
    res.setHeader('x-request-id', requestId);
    res.on('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      const level = res.statusCode >= 500 ? 'error' : 'info';
      l.log?.[level](
        {
          event: 'http.request',
          method: req.method,
          // The matched route pattern, not the URL: ids in paths stay out of aggregation keys.
          route: req.route ? `${req.baseUrl}${String(req.route.path)}` : undefined,
          status: res.statusCode,
          durationMs: Math.round(durationMs * 10) / 10,
          terminalId: l.terminalId,
          code: l.errorCode,
        },
        'request',
      );
    });
    next();
  };
}

/** The request's logger (with request id and, once authenticated, terminal id). */
export function requestLogger(res: Response): Logger | undefined {
  return locals(res).log;
}

export function setTerminal(res: Response, terminalId: string): void {
  const l = locals(res);
  l.terminalId = terminalId;
  l.log = l.log?.child({ terminalId });
}

/** The authenticated terminal; only call behind terminalAuth. */
export function terminalOf(res: Response): string {
  const id = locals(res).terminalId;
  if (!id) throw new Error('terminalOf called on an unauthenticated request');
  return id;
}

export function setErrorCode(res: Response, code: HqErrorCode): void {
  locals(res).errorCode = code;
}
