import type { RequestHandler, Response } from 'express';
import { z } from 'zod';
import { CARD_NONCE_BYTES } from '../../pinreset/card-management-key';
import {
  cancelReservation,
  claimReset,
  createReservation,
  issueToken,
  listReservations,
  reportOutcome,
  type Refusal,
} from '../../pinreset/service';
import type { ResolvedDeps } from '../deps';
import { HttpError, refusalMessage } from '../errors';
import { requestLogger, terminalOf } from '../request-log';
import {
  KioskPinResetRequest,
  PinResetOutcomeRequest,
  PinResetTokenRequest,
  ReservationCancelRequest,
  ReservationListRequest,
  ReservationRequest,
  type PinResetTokenResponse,
  type ReservationListResponse,
} from '../schemas';
import { parseBody } from '../validate-body';

/**
 * PIN reset over HTTP (the logic is in pinreset/service.ts). Logs carry ids, kinds and codes only: never a
 * certificate, nonce or token, and there is no PIN anywhere to log.
 */

const ReservationParams = z.object({ reservationId: z.uuid() });
const ResetParams = z.object({ resetId: z.uuid() });

// --- /v1/app (the smartphone app; no terminal credentials) ---------------------------------------------

/** POST /v1/app/pin-reset/reservations → 201 Reservation. */
export function postReservation(deps: ResolvedDeps): RequestHandler {
  return async (req, res) => {
    const request = parseBody(ReservationRequest, req.body);
    const result = await createReservation(deps, request);
    if (!result.ok) return refuse(res, 'pinreset.reservation_refused', result);
    requestLogger(res)?.info(
      {
        event: 'pinreset.reservation_created',
        reservationId: result.reservation.reservationId,
        reset: request.reset,
      },
      'reservation created',
    );
    res.status(201).json(result.reservation);
  };
}

/** POST /v1/app/pin-reset/reservations/list → 200 ReservationListResponse. */
export function postReservationList(deps: ResolvedDeps): RequestHandler {
  return async (req, res) => {
    const request = parseBody(ReservationListRequest, req.body);
    const result = await listReservations(deps, request);
    if (!result.ok) return refuse(res, 'pinreset.list_refused', result);
    requestLogger(res)?.info(
      { event: 'pinreset.reservations_listed', cardId: result.cardId, count: result.reservations.length },
      'reservations listed',
    );
    const body: z.infer<typeof ReservationListResponse> = { reservations: result.reservations };
    res.json(body);
  };
}

/** POST /v1/app/pin-reset/reservations/:reservationId/cancel → 200 Reservation (cancelled). */
export function postReservationCancel(deps: ResolvedDeps): RequestHandler {
  return async (req, res) => {
    const { reservationId } = parseBody(ReservationParams, req.params);
    const request = parseBody(ReservationCancelRequest, req.body);
    const result = await cancelReservation(deps, reservationId, request);
    if (!result.ok) return refuse(res, 'pinreset.cancel_refused', result);
    requestLogger(res)?.info(
      { event: 'pinreset.reservation_cancelled', reservationId, changed: result.changed },
      'reservation cancelled',
    );
    res.json(result.reservation);
  };
}

// --- /v1/kiosk (terminal credentials) ------------------------------------------------------------------

/** POST /v1/kiosk/pin-resets → 201 KioskPinResetResponse. */
export function postPinReset(deps: ResolvedDeps): RequestHandler {
  return async (req, res) => {
    const request = parseBody(KioskPinResetRequest, req.body);
    const result = await claimReset(deps, terminalOf(res), request);
    if (!result.ok) return refuse(res, 'pinreset.claim_refused', result);
    requestLogger(res)?.info(
      {
        event: 'pinreset.claimed',
        resetId: result.response.resetId,
        reservationId: result.reservationId,
        cardId: result.cardId,
        reset: request.reset,
      },
      'reservation claimed',
    );
    res.status(201).json(result.response);
  };
}

/** POST /v1/kiosk/pin-resets/:resetId/token → 200 PinResetTokenResponse. */
export function postPinResetToken(deps: ResolvedDeps): RequestHandler {
  return async (req, res) => {
    const { resetId } = parseBody(ResetParams, req.params);
    const { cardNonce } = parseBody(PinResetTokenRequest, req.body);
    const nonce = Buffer.from(cardNonce, 'base64');
    if (nonce.length !== CARD_NONCE_BYTES) {
      throw new HttpError('VALIDATION_FAILED', 'request does not match the schema', [
        { path: 'cardNonce', message: `must be ${CARD_NONCE_BYTES} bytes` },
      ]);
    }
    const result = await issueToken(deps, terminalOf(res), resetId, nonce);
    if (!result.ok) return refuse(res, 'pinreset.token_refused', result);
    requestLogger(res)?.info(
      { event: 'pinreset.token_issued', resetId, reservationId: result.reservationId },
      'reset token issued',
    );
    const body: z.infer<typeof PinResetTokenResponse> = { token: result.token.toString('base64') };
    result.token.fill(0);
    res.json(body);
  };
}

/** POST /v1/kiosk/pin-resets/:resetId/outcome → 200 PinResetOutcomeResponse, the same bytes on every retry. */
export function postPinResetOutcome(deps: ResolvedDeps): RequestHandler {
  return async (req, res) => {
    const { resetId } = parseBody(ResetParams, req.params);
    const { outcome } = parseBody(PinResetOutcomeRequest, req.body);
    const result = await reportOutcome(deps, terminalOf(res), resetId, outcome);
    if (!result.ok) return refuse(res, 'pinreset.outcome_refused', result);
    requestLogger(res)?.info(
      { event: 'pinreset.outcome', resetId, outcome, replayed: result.replayed },
      'reset outcome recorded',
    );
    res.status(200).type('application/json').send(result.body);
  };
}

/** Logs the refusal (code and technical reason) and answers with the contract's error body. */
function refuse(res: Response, event: string, refusal: Refusal): never {
  requestLogger(res)?.warn({ event, code: refusal.code, reason: refusal.reason, ...refusal.ids }, 'refused');
  const issues = refusal.field ? [{ path: refusal.field, message: refusal.reason }] : undefined;
  throw new HttpError(
    refusal.code,
    refusal.code === 'VALIDATION_FAILED' ? 'request does not match the schema' : refusalMessage(refusal.code),
    issues,
  );
}
