/**
 * PIN reset at HQ (DESIGN.md "PIN reset"): the app books a reservation with a proof of card possession, a
 * kiosk claims it with a fresh proof from the same card, gets the one-time token for the card's nonce and
 * reports the outcome, which consumes the reservation exactly once. HQ never sees a PIN. Every step and every
 * refusal is audited (ids and codes only).
 *
 * The app side is in app-reservations.ts, the kiosk side in kiosk-resets.ts, what both share in
 * service-shared.ts; this module re-exports the service's public API.
 */

export {
  cancelReservation,
  createReservation,
  FACE_CHECK_MAX_AGE_MS,
  FACE_CHECK_MAX_SKEW_MS,
  listReservations,
  RESERVATION_LIST_LIMIT,
} from './app-reservations';
export { claimReset, issueToken, reportOutcome } from './kiosk-resets';
export type { Outcome, PinResetDeps, Refusal } from './service-shared';
