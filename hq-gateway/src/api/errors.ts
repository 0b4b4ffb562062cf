import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { HqErrorBody, HqErrorCode, RefusalReason } from './schemas';
import { requestLogger, setErrorCode } from './request-log';

/** The HTTP status each HQ error code is answered with. */
export const STATUS_BY_CODE: Record<HqErrorCode, number> = {
  VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  TERMINAL_UNAUTHENTICATED: 401,
  CHALLENGE_NOT_FOUND: 404,
  CHALLENGE_EXPIRED: 410,
  CHALLENGE_USED: 409,
  CERTIFICATE_MALFORMED: 401,
  CERTIFICATE_CHAIN_INVALID: 401,
  CERTIFICATE_EXPIRED: 401,
  CERTIFICATE_NOT_YET_VALID: 401,
  CERTIFICATE_REVOKED: 401,
  SIGNATURE_INVALID: 401,
  CARD_NOT_REGISTERED: 403,
  SESSION_NOT_FOUND: 404,
  SESSION_EXPIRED: 410,
  SERVICE_REFUSED: 403,
  ISSUANCE_NOT_FOUND: 404,
  COPY_NOT_FOUND: 404,
  COPY_NOT_SPOILED: 409,
  IDEMPOTENCY_CONFLICT: 409,
  RESERVATION_NOT_FOUND: 404,
  RESERVATION_EXPIRED: 410,
  RESERVATION_USED: 409,
  RESERVATION_EXISTS: 409,
  PIN_RESET_NOT_FOUND: 404,
  NO_SIGNATURE_CERTIFICATE: 403,
  OPTIONS_INVALID: 422,
  OPERATOR_UNAUTHENTICATED: 401,
  OPERATOR_FORBIDDEN: 403,
  CSRF_TOKEN_INVALID: 403,
  LOGIN_THROTTLED: 429,
  RATE_LIMITED: 429,
  OPERATOR_EXISTS: 409,
  INTERNAL: 500,
};

/** What a refused proof, session or PIN-reset step is told (codes are what clients act on; this is for people). */
const REFUSAL_MESSAGES: Partial<Record<HqErrorCode, string>> = {
  CHALLENGE_NOT_FOUND: 'no such challenge',
  CHALLENGE_USED: 'challenge already used',
  CHALLENGE_EXPIRED: 'challenge expired',
  CARD_NOT_REGISTERED: 'card not registered',
  SIGNATURE_INVALID: 'signature does not verify',
  NO_SIGNATURE_CERTIFICATE: 'the card has no signature certificate',
  RESERVATION_NOT_FOUND: 'no open reservation for this PIN',
  RESERVATION_EXPIRED: 'reservation expired',
  RESERVATION_USED: 'reservation already used or in use',
  RESERVATION_EXISTS: 'the card already has an open reservation',
  PIN_RESET_NOT_FOUND: 'no such PIN reset in progress',
  IDEMPOTENCY_CONFLICT: 'outcome already reported differently',
  OPTIONS_INVALID: 'options not offered to this resident',
};

export function refusalMessage(code: HqErrorCode): string {
  return REFUSAL_MESSAGES[code] ?? 'certificate not accepted';
}

type Issues = NonNullable<HqErrorBody['error']['issues']>;

/** Thrown by handlers for an expected refusal; the error handler turns it into the contract's error body. */
export class HttpError extends Error {
  constructor(
    readonly code: HqErrorCode,
    message: string,
    readonly issues?: Issues,
    readonly status: number = STATUS_BY_CODE[code],
    /** SERVICE_REFUSED: the offer's reason, sent as error.reason. */
    readonly reason?: RefusalReason,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function sendError(res: Response, error: HttpError): void {
  setErrorCode(res, error.code);
  const body: HqErrorBody = {
    error: {
      code: error.code,
      message: error.message,
      ...(error.issues && { issues: error.issues }),
      ...(error.reason && { reason: error.reason }),
    },
  };
  res.status(error.status).json(body);
}

export const notFound: RequestHandler = (_req, res) => {
  sendError(res, new HttpError('NOT_FOUND', 'no such route'));
};

/** body-parser's error types that are the client's fault, with the status to answer. */
const BODY_ERRORS: Record<string, { status: number; message: string }> = {
  'entity.parse.failed': { status: 400, message: 'malformed JSON' },
  'entity.too.large': { status: 413, message: 'request body too large' },
  'entity.verify.failed': { status: 400, message: 'request body rejected' },
  'request.aborted': { status: 400, message: 'request aborted' },
  'request.size.invalid': { status: 400, message: 'request size does not match content-length' },
  'encoding.unsupported': { status: 415, message: 'unsupported content encoding' },
  'charset.unsupported': { status: 415, message: 'unsupported charset' },
};

/** Last in the chain: answers every error with the contract's body; nothing escapes as a crash or stack. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    if (res.headersSent) return next(err);
    if (err instanceof HttpError) return sendError(res, err);
    const bodyError =
      typeof err === 'object' && err !== null
        ? BODY_ERRORS[String((err as { type?: unknown }).type)]
        : undefined;
    if (bodyError) {
      return sendError(
        res,
        new HttpError('VALIDATION_FAILED', bodyError.message, undefined, bodyError.status),
      );
    }
    (requestLogger(res) ?? logger).error({ event: 'http.error', err }, 'unhandled error');
    sendError(res, new HttpError('INTERNAL', 'internal error'));
  };
}
