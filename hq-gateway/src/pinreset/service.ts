import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type {
  HqErrorCode,
  KioskPinResetRequest,
  KioskPinResetResponse,
  PinKind,
  PinResetOutcomeRequest,
  PinResetOutcomeResponse,
  Reservation,
  ReservationCancelRequest,
  ReservationListRequest,
  ReservationRequest,
} from '../api/schemas';
import { appendAudit, type AuditEntry, type AuditEvent } from '../db/audit';
import type { Database, Queryable } from '../db/database';
import type { JpkiCaKind } from '../pki/jpki-names';
import type { TrustStore } from '../pki/trust-store';
import { diversifyCardKey, pinResetToken } from './card-management-key';
import { checkResetProof, proofKindFor, provePossession, type ProvenCard } from './proof';
import {
  expireLapsedReservations,
  findActiveReservationForUpdate,
  findCardReservationForUpdate,
  findClaimForUpdate,
  findLatestReservation,
  findReservation,
  findTerminalResetForUpdate,
  insertReservation,
  insertReset,
  isLapsed,
  listCardReservations,
  recordOutcome,
  recordTokenIssued,
  setReservationStatus,
  supersedeReset,
  toApiReservation,
  type StoredReservation,
} from './store';

/**
 * PIN reset at HQ (DESIGN.md "PIN reset"): the app books a reservation with a proof of card possession, a
 * kiosk claims it with a fresh proof from the same card, gets the one-time token for the card's nonce and
 * reports the outcome, which consumes the reservation exactly once. HQ never sees a PIN. Every step and every
 * refusal is audited (ids and codes only).
 */

export interface PinResetDeps {
  db: Database;
  trustStore: TrustStore;
  revokedSerials?: ReadonlySet<string>;
  /** The 32-byte master key; K_card is diversified from it per card serial. */
  cardManagementKey: Uint8Array;
  now: () => Date;
  reservationTtlMs: number;
  pinResetClaimTtlMs: number;
}

type RefusalIds = Partial<Pick<AuditEntry, 'cardId' | 'reservationId' | 'pinKind'>>;

export interface Refusal {
  ok: false;
  code: HqErrorCode;
  /** Technical, for logs (never personal). */
  reason: string;
  /** For VALIDATION_FAILED: the request field at fault. */
  field?: string;
  /** Ids learnt before the refusal, for the audit. */
  ids?: RefusalIds;
}
export type Outcome<T> = ({ ok: true } & T) | Refusal;

/** How many of a card's reservations the app gets listed, newest first. */
export const RESERVATION_LIST_LIMIT = 20;
/** A face-check statement older than this, or this far in the future, is refused (clock skew allowed). */
export const FACE_CHECK_MAX_AGE_MS = 10 * 60_000;
export const FACE_CHECK_MAX_SKEW_MS = 2 * 60_000;

// --- the app -------------------------------------------------------------------------------------------

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

// --- the kiosk -----------------------------------------------------------------------------------------

/**
 * POST /v1/kiosk/pin-resets: a fresh proof from the card at this terminal claims the card's open, unexpired
 * reservation for that PIN. An earlier claim that never got a token gives way (the same terminal retrying,
 * or any terminal once that claim has lapsed); one that got a token waits for its outcome.
 */
export async function claimReset(
  deps: PinResetDeps,
  terminalId: string,
  request: KioskPinResetRequest,
): Promise<Outcome<{ response: KioskPinResetResponse; reservationId: string; cardId: string }>> {
  const now = deps.now();
  const audit: Omit<AuditEntry, 'event'> = { at: now, terminalId, pinKind: request.reset };
  const proven = await provePossession(deps, {
    proof: request,
    purpose: 'kiosk-pin-reset',
    terminalId,
    accept: proofKindsFor(request.reset),
    at: now,
  });
  if (!proven.ok) return refuse(deps, 'pinreset.claim_refused', audit, proven);
  const card = proven.card;
  const cardAudited = cardAudit(audit, card);
  const allowed = checkResetProof(request.reset, card);
  if (!allowed.ok) return refuse(deps, 'pinreset.claim_refused', cardAudited, allowed);

  const result = await deps.db.transaction(
    async (
      tx,
    ): Promise<Outcome<{ response: KioskPinResetResponse; reservationId: string; cardId: string }>> => {
      const active = await findActiveReservationForUpdate(tx, card.cardId);
      if (!active || active.pinKind !== request.reset) {
        const latest = await findLatestReservation(tx, card.cardId, request.reset);
        if (latest?.status === 'used') return refusal('RESERVATION_USED', 'reservation already used');
        if (latest?.status === 'expired') return refusal('RESERVATION_EXPIRED', 'reservation expired');
        return refusal('RESERVATION_NOT_FOUND', 'no open reservation for this PIN');
      }
      if (isLapsed(active, now)) return refusal('RESERVATION_EXPIRED', 'reservation expired');
      if (active.status === 'claimed') {
        const claim = await findClaimForUpdate(tx, active.id);
        const mayGiveWay =
          claim !== null &&
          claim.tokensIssued === 0 &&
          (claim.terminalId === terminalId || claim.expiresAt.getTime() <= now.getTime());
        if (claim && !(mayGiveWay && (await supersedeReset(tx, claim.id, now)))) {
          return refusal('RESERVATION_USED', 'reservation claimed, outcome pending');
        }
      } else {
        await setReservationStatus(tx, active.id, ['open'], 'claimed', now);
      }
      const resetId = randomUUID();
      const expiresAt = new Date(
        Math.min(now.getTime() + deps.pinResetClaimTtlMs, active.expiresAt.getTime()),
      );
      await insertReset(tx, {
        id: resetId,
        reservationId: active.id,
        terminalId,
        cardId: card.cardId,
        pinKind: request.reset,
        claimedAt: now,
        expiresAt,
      });
      await appendAudit(tx, {
        event: 'pinreset.claimed',
        ...cardAudited,
        reservationId: active.id,
        pinResetId: resetId,
      });
      return {
        ok: true,
        reservationId: active.id,
        cardId: card.cardId,
        response: { resetId, reset: request.reset, expiresAt: expiresAt.toISOString() },
      };
    },
  );
  if (!result.ok) return refuse(deps, 'pinreset.claim_refused', cardAudited, result);
  return result;
}

/**
 * POST /v1/kiosk/pin-resets/:resetId/token: the EXTERNAL AUTHENTICATE token for the card's nonce, only for a
 * reset this terminal claimed and that is still running. Deterministic: a retry with the same nonce gets the
 * same token. Neither nonce nor token is stored or logged.
 */
export async function issueToken(
  deps: PinResetDeps,
  terminalId: string,
  resetId: string,
  cardNonce: Uint8Array,
): Promise<Outcome<{ token: Buffer; reservationId: string }>> {
  const now = deps.now();
  const audit: Omit<AuditEntry, 'event'> = { at: now, terminalId, pinResetId: resetId };
  const result = await deps.db.transaction(
    async (tx): Promise<Outcome<{ token: Buffer; reservationId: string }>> => {
      const found = await findTerminalResetForUpdate(tx, resetId, terminalId);
      if (!found) return refusal('PIN_RESET_NOT_FOUND', 'no such reset of this terminal');
      const ids = { cardId: found.cardId, reservationId: found.reservationId, pinKind: found.pinKind };
      if (found.status === 'reset') return refusal('RESERVATION_USED', 'reset already done', ids);
      if (found.status !== 'claimed') return refusal('PIN_RESET_NOT_FOUND', `reset ${found.status}`, ids);
      if (found.expiresAt.getTime() <= now.getTime())
        return refusal('RESERVATION_EXPIRED', 'claim lapsed', ids);
      await recordTokenIssued(tx, found.id, now);
      await appendAudit(tx, { event: 'pinreset.token_issued', ...audit, ...ids });
      const cardKey = diversifyCardKey(deps.cardManagementKey, found.cardSerial);
      try {
        return {
          ok: true,
          token: pinResetToken(cardKey, found.pinKind, cardNonce),
          reservationId: found.reservationId,
        };
      } finally {
        cardKey.fill(0);
      }
    },
  );
  if (!result.ok) {
    return refuse(deps, 'pinreset.token_refused', audit, result);
  }
  return result;
}

/**
 * POST /v1/kiosk/pin-resets/:resetId/outcome. 'reset' consumes the reservation, 'notReset' (the card left
 * before RESET RETRY COUNTER) opens it again. Recorded once: the same outcome again gets the first answer
 * byte for byte; the other outcome afterwards is a conflict.
 */
export async function reportOutcome(
  deps: PinResetDeps,
  terminalId: string,
  resetId: string,
  outcome: PinResetOutcomeRequest['outcome'],
): Promise<Outcome<{ body: string; replayed: boolean }>> {
  const now = deps.now();
  const audit: Omit<AuditEntry, 'event'> = { at: now, terminalId, pinResetId: resetId };
  const result = await deps.db.transaction(
    async (tx): Promise<Outcome<{ body: string; replayed: boolean }>> => {
      const found = await findTerminalResetForUpdate(tx, resetId, terminalId);
      if (!found) return refusal('PIN_RESET_NOT_FOUND', 'no such reset of this terminal');
      const ids = { cardId: found.cardId, reservationId: found.reservationId, pinKind: found.pinKind };
      if (found.status === outcome && found.outcomeResponse !== null) {
        return { ok: true, body: found.outcomeResponse, replayed: true };
      }
      if (found.status === 'superseded') return refusal('PIN_RESET_NOT_FOUND', 'reset superseded', ids);
      if (found.status !== 'claimed') {
        return refusal('IDEMPOTENCY_CONFLICT', `outcome already reported as ${found.status}`, ids);
      }
      if (outcome === 'reset') {
        // Consumed even when the reservation ran out meanwhile: the card's PIN did change.
        await setReservationStatus(tx, found.reservationId, ['claimed', 'expired'], 'used', now);
      } else {
        await setReservationStatus(tx, found.reservationId, ['claimed'], 'open', now);
      }
      const reservation = await findReservation(tx, found.reservationId);
      if (!reservation) throw new Error(`reset ${found.id} without its reservation`);
      const answer: z.infer<typeof PinResetOutcomeResponse> = {
        resetId: found.id,
        reservation: toApiReservation(reservation, now),
      };
      const body = JSON.stringify(answer);
      await recordOutcome(tx, found.id, outcome, now, body);
      await appendAudit(tx, {
        event: outcome === 'reset' ? 'pinreset.outcome_reset' : 'pinreset.outcome_not_reset',
        ...audit,
        ...ids,
      });
      return { ok: true, body, replayed: false };
    },
  );
  if (!result.ok) {
    return refuse(deps, 'pinreset.outcome_refused', audit, result);
  }
  return result;
}

// --- helpers -------------------------------------------------------------------------------------------

/**
 * The certificate kinds a reset request is validated as: the one it needs first, then the other, so that a
 * proof made with the PIN being reset — or with a child's only certificate — is told apart from a bad one
 * (checkResetProof gives it its precise answer).
 */
function proofKindsFor(reset: PinKind): JpkiCaKind[] {
  return [proofKindFor(reset), reset];
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

function cardAudit<T extends Omit<AuditEntry, 'event'>>(entry: T, card: ProvenCard): T {
  return { ...entry, cardId: card.cardId, residentId: card.residentId };
}

function refusal(code: HqErrorCode, reason: string, ids?: RefusalIds): Refusal {
  return { ok: false, code, reason, ...(ids && { ids }) };
}

/** Audits the refusal (outside any transaction, which may have rolled back) and returns it. */
async function refuse(
  deps: PinResetDeps,
  event: AuditEvent,
  entry: Omit<AuditEntry, 'event'>,
  refused: { code: HqErrorCode; reason: string; ids?: RefusalIds },
): Promise<Refusal> {
  await appendAudit(deps.db, { ...entry, ...refused.ids, event, code: refused.code });
  return refusal(refused.code, refused.reason, refused.ids);
}
