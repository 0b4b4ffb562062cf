import { randomUUID } from 'node:crypto';
import type {
  Reservation,
  ReservationCancelRequest,
  ReservationListRequest,
  ReservationRequest,
} from '../api/schemas';
import { appendAudit } from '../db/audit';
import type { Queryable } from '../db/database';
import { checkResetProof, provePossession } from './proof';
import { cardAudit, proofKindsFor, refusal, refuse, type Outcome, type PinResetDeps } from './service-shared';
import {
  expireLapsedReservations,
  findCardReservationForUpdate,
  findClaimForUpdate,
  insertReservation,
  isLapsed,
  listCardReservations,
  setReservationStatus,
  supersedeReset,
  toApiReservation,
  type StoredReservation,
} from './store';

/**
 * PIN reset, the app side (DESIGN.md "PIN reset"): the app books a reservation with a proof of card possession,
 * lists the card's reservations and cancels one. Every step and every refusal is audited (ids and codes only).
 */

/** How many of a card's reservations the app gets listed, newest first. */
export const RESERVATION_LIST_LIMIT = 20;
/** A face-check statement older than this, or this far in the future, is refused (clock skew allowed). */
export const FACE_CHECK_MAX_AGE_MS = 10 * 60_000;
export const FACE_CHECK_MAX_SKEW_MS = 2 * 60_000;

/** POST /v1/app/pin-reset/reservations: one open reservation per card, valid reservationTtlMs. */
export async function createReservation(
  deps: PinResetDeps,
  request: ReservationRequest,
): Promise<Outcome<{ reservation: Reservation }>> {
  const now = deps.now();
  const faceCheckedAt = new Date(request.faceCheck.checkedAt);
  const age = now.getTime() - faceCheckedAt.getTime();
  if (age > FACE_CHECK_MAX_AGE_MS || age < -FACE_CHECK_MAX_SKEW_MS) {
    // Before the challenge is consumed: a clock problem should not cost the app its challenge.
    const stale = refusal('VALIDATION_FAILED', 'face check too old or in the future');
    return {
      ...(await refuse(deps, 'pinreset.reservation_refused', { at: now }, stale)),
      field: 'faceCheck.checkedAt',
    };
  }
  const proven = await provePossession(deps, {
    proof: request,
    purpose: 'app-pin-reset',
    terminalId: null,
    accept: proofKindsFor(request.reset),
    at: now,
  });
  const audit = { at: now, pinKind: request.reset };
  if (!proven.ok) return refuse(deps, 'pinreset.reservation_refused', audit, proven);
  const card = proven.card;
  const allowed = checkResetProof(request.reset, card);
  if (!allowed.ok) {
    return refuse(deps, 'pinreset.reservation_refused', cardAudit(audit, card), allowed);
  }

  const stored: StoredReservation = {
    id: randomUUID(),
    cardId: card.cardId,
    pinKind: request.reset,
    status: 'open',
    createdAt: now,
    expiresAt: new Date(now.getTime() + deps.reservationTtlMs),
  };
  const created = await deps.db.transaction(async (tx) => {
    await expireLapsedReservations(tx, card.cardId, now);
    if (!(await insertReservation(tx, { ...stored, faceCheckedAt }))) return false;
    await appendAudit(tx, {
      event: 'pinreset.reservation_created',
      ...cardAudit(audit, card),
      reservationId: stored.id,
    });
    return true;
  });
  if (!created) {
    const exists = refusal('RESERVATION_EXISTS', 'card has an active reservation');
    return refuse(deps, 'pinreset.reservation_refused', cardAudit(audit, card), exists);
  }
  return { ok: true, reservation: toApiReservation(stored, now) };
}

/** POST /v1/app/pin-reset/reservations/list: this card's reservations, proven with either certificate. */
export async function listReservations(
  deps: PinResetDeps,
  request: ReservationListRequest,
): Promise<Outcome<{ reservations: Reservation[]; cardId: string }>> {
  const now = deps.now();
  const proven = await appProof(deps, request, now);
  if (!proven.ok) return refuse(deps, 'pinreset.list_refused', { at: now }, proven);
  const card = proven.card;
  const rows = await listCardReservations(deps.db, card.cardId, RESERVATION_LIST_LIMIT);
  await appendAudit(deps.db, { event: 'pinreset.reservations_listed', ...cardAudit({ at: now }, card) });
  return { ok: true, cardId: card.cardId, reservations: rows.map((r) => toApiReservation(r, now)) };
}

/** POST /v1/app/pin-reset/reservations/:id/cancel: only the card's own reservation; cancelling twice is harmless. */
export async function cancelReservation(
  deps: PinResetDeps,
  reservationId: string,
  request: ReservationCancelRequest,
): Promise<Outcome<{ reservation: Reservation; changed: boolean }>> {
  const now = deps.now();
  const proven = await appProof(deps, request, now);
  if (!proven.ok) return refuse(deps, 'pinreset.cancel_refused', { at: now, reservationId }, proven);
  const card = proven.card;
  const audit = { ...cardAudit({ at: now }, card), reservationId };

  const result = await deps.db.transaction(
    async (tx): Promise<Outcome<{ reservation: Reservation; changed: boolean }>> => {
      const found = await findCardReservationForUpdate(tx, reservationId, card.cardId);
      if (!found) return refusal('RESERVATION_NOT_FOUND', 'no such reservation of this card');
      if (found.status === 'cancelled')
        return { ok: true, reservation: toApiReservation(found, now), changed: false };
      if (found.status === 'expired' || isLapsed(found, now))
        return refusal('RESERVATION_EXPIRED', 'expired');
      if (found.status === 'used') return refusal('RESERVATION_USED', 'already used');
      if (found.status === 'claimed' && !(await releaseStaleClaim(tx, found.id, now))) {
        return refusal('RESERVATION_USED', 'claimed at a kiosk');
      }
      await setReservationStatus(tx, found.id, ['open', 'claimed'], 'cancelled', now);
      await appendAudit(tx, { event: 'pinreset.reservation_cancelled', ...audit, pinKind: found.pinKind });
      return {
        ok: true,
        reservation: toApiReservation({ ...found, status: 'cancelled' }, now),
        changed: true,
      };
    },
  );
  if (!result.ok) return refuse(deps, 'pinreset.cancel_refused', audit, result);
  return result;
}

/** List and cancel: a proof from either certificate of the card. */
function appProof(deps: PinResetDeps, proof: ReservationListRequest, at: Date) {
  return provePossession(deps, {
    proof,
    purpose: 'app-pin-reset',
    terminalId: null,
    accept: ['userAuth', 'signature'],
    at,
  });
}

/**
 * A claimed reservation whose attempt lapsed without a token can be released (no reset can have happened:
 * only HQ can make a token). Returns whether the reservation is free of a running claim now.
 */
async function releaseStaleClaim(tx: Queryable, reservationId: string, now: Date): Promise<boolean> {
  const claim = await findClaimForUpdate(tx, reservationId);
  if (!claim) return true;
  if (claim.tokensIssued > 0 || claim.expiresAt.getTime() > now.getTime()) return false;
  return supersedeReset(tx, claim.id, now);
}
