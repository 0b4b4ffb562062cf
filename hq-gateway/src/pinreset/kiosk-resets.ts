import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type {
  KioskPinResetRequest,
  KioskPinResetResponse,
  PinResetOutcomeRequest,
  PinResetOutcomeResponse,
} from '../api/schemas';
import { appendAudit, type AuditEntry } from '../db/audit';
import { diversifyCardKey, pinResetToken } from './card-management-key';
import { checkResetProof, provePossession } from './proof';
import { cardAudit, proofKindsFor, refusal, refuse, type Outcome, type PinResetDeps } from './service-shared';
import {
  findActiveReservationForUpdate,
  findClaimForUpdate,
  findLatestReservation,
  findReservation,
  findTerminalResetForUpdate,
  insertReset,
  isLapsed,
  recordOutcome,
  recordTokenIssued,
  setReservationStatus,
  supersedeReset,
  toApiReservation,
} from './store';

/**
 * PIN reset, the kiosk side (DESIGN.md "PIN reset"): a kiosk claims the card's reservation with a fresh proof
 * from the same card, gets the one-time token for the card's nonce and reports the outcome, which consumes the
 * reservation exactly once. HQ never sees a PIN. Every step and every refusal is audited (ids and codes only).
 */

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
