import type { PinKind, Reservation } from '../api/schemas';
import type { Queryable } from '../db/database';

/**
 * SQL of PIN reset reservations (booked in the app) and resets (one kiosk attempt at a reservation).
 * No PIN, card nonce or token is ever written: ids, kinds, states and times only.
 */

export type ReservationStatus = Reservation['status'];
export type ResetStatus = 'claimed' | 'reset' | 'notReset' | 'superseded';

export interface StoredReservation {
  id: string;
  cardId: string;
  pinKind: PinKind;
  /** As stored; an open or claimed reservation past expiresAt is shown as expired (see toApiReservation). */
  status: ReservationStatus;
  createdAt: Date;
  expiresAt: Date;
}

export interface StoredReset {
  id: string;
  reservationId: string;
  terminalId: string;
  cardId: string;
  pinKind: PinKind;
  status: ResetStatus;
  claimedAt: Date;
  /** Until when a token may be issued: the claim's own limit, never past the reservation's expiry. */
  expiresAt: Date;
  tokensIssued: number;
  /** The outcome answer as sent the first time (byte-identical replays). */
  outcomeResponse: string | null;
}

interface ReservationRow {
  id: string;
  card_id: string;
  pin_kind: PinKind;
  status: ReservationStatus;
  created_at: Date;
  expires_at: Date;
}

interface ResetRow {
  id: string;
  reservation_id: string;
  terminal_id: string;
  card_id: string;
  pin_kind: PinKind;
  status: ResetStatus;
  claimed_at: Date;
  expires_at: Date;
  tokens_issued: number;
  outcome_response: string | null;
}

const RESERVATION_COLUMNS = 'id, card_id, pin_kind, status, created_at, expires_at';
const RESET_COLUMNS =
  'id, reservation_id, terminal_id, card_id, pin_kind, status, claimed_at, expires_at, tokens_issued, outcome_response';
/** Statuses that count towards "one active reservation per card" (the partial unique index). */
const ACTIVE = "('open', 'claimed')";

function reservation(row: ReservationRow): StoredReservation {
  return {
    id: row.id,
    cardId: row.card_id,
    pinKind: row.pin_kind,
    status: row.status,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
  };
}

function reset(row: ResetRow): StoredReset {
  return {
    id: row.id,
    reservationId: row.reservation_id,
    terminalId: row.terminal_id,
    cardId: row.card_id,
    pinKind: row.pin_kind,
    status: row.status,
    claimedAt: new Date(row.claimed_at),
    expiresAt: new Date(row.expires_at),
    tokensIssued: Number(row.tokens_issued),
    outcomeResponse: row.outcome_response,
  };
}

/** Whether an open or claimed reservation has run out (it is then shown and treated as expired). */
export function isLapsed(r: StoredReservation, now: Date): boolean {
  return (r.status === 'open' || r.status === 'claimed') && r.expiresAt.getTime() <= now.getTime();
}

/** The contract's view of a reservation at `now`. */
export function toApiReservation(r: StoredReservation, now: Date): Reservation {
  return {
    reservationId: r.id,
    reset: r.pinKind,
    status: isLapsed(r, now) ? 'expired' : r.status,
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
  };
}

/** Marks the card's open or claimed reservations that ran out as expired (they then stop blocking a new one). */
export async function expireLapsedReservations(db: Queryable, cardId: string, at: Date): Promise<void> {
  await db.query(
    `UPDATE pin_reset_reservations SET status = 'expired', status_changed_at = $2
     WHERE card_id = $1 AND status IN ${ACTIVE} AND expires_at <= $2`,
    [cardId, at.toISOString()],
  );
}

/** Stores a new open reservation; false (nothing written) when the card already has an active one. */
export async function insertReservation(
  db: Queryable,
  r: { id: string; cardId: string; pinKind: PinKind; faceCheckedAt: Date; createdAt: Date; expiresAt: Date },
): Promise<boolean> {
  const inserted = await db.query(
    `INSERT INTO pin_reset_reservations (id, card_id, pin_kind, status, face_checked_at, created_at, expires_at,
       status_changed_at)
     VALUES ($1, $2, $3, 'open', $4, $5, $6, $5)
     ON CONFLICT DO NOTHING
     RETURNING id`,
    [
      r.id,
      r.cardId,
      r.pinKind,
      r.faceCheckedAt.toISOString(),
      r.createdAt.toISOString(),
      r.expiresAt.toISOString(),
    ],
  );
  return inserted.length > 0;
}

/** The card's open or claimed reservation (at most one), locked for the rest of the transaction. */
export async function findActiveReservationForUpdate(
  db: Queryable,
  cardId: string,
): Promise<StoredReservation | null> {
  const rows = await db.query<ReservationRow>(
    `SELECT ${RESERVATION_COLUMNS} FROM pin_reset_reservations
     WHERE card_id = $1 AND status IN ${ACTIVE} FOR UPDATE`,
    [cardId],
  );
  return rows[0] ? reservation(rows[0]) : null;
}

/** The card's most recent reservation for this PIN, whatever its state (to say why there is none to claim). */
export async function findLatestReservation(
  db: Queryable,
  cardId: string,
  pinKind: PinKind,
): Promise<StoredReservation | null> {
  const rows = await db.query<ReservationRow>(
    `SELECT ${RESERVATION_COLUMNS} FROM pin_reset_reservations
     WHERE card_id = $1 AND pin_kind = $2 ORDER BY created_at DESC LIMIT 1`,
    [cardId, pinKind],
  );
  return rows[0] ? reservation(rows[0]) : null;
}

/** A reservation of this card, locked; another card's reservation does not exist for the caller. */
export async function findCardReservationForUpdate(
  db: Queryable,
  id: string,
  cardId: string,
): Promise<StoredReservation | null> {
  const rows = await db.query<ReservationRow>(
    `SELECT ${RESERVATION_COLUMNS} FROM pin_reset_reservations WHERE id = $1 AND card_id = $2 FOR UPDATE`,
    [id, cardId],
  );
  return rows[0] ? reservation(rows[0]) : null;
}

export async function findReservation(db: Queryable, id: string): Promise<StoredReservation | null> {
  const rows = await db.query<ReservationRow>(
    `SELECT ${RESERVATION_COLUMNS} FROM pin_reset_reservations WHERE id = $1`,
    [id],
  );
  return rows[0] ? reservation(rows[0]) : null;
}

/** The card's reservations, newest first. */
export async function listCardReservations(
  db: Queryable,
  cardId: string,
  limit: number,
): Promise<StoredReservation[]> {
  const rows = await db.query<ReservationRow>(
    `SELECT ${RESERVATION_COLUMNS} FROM pin_reset_reservations
     WHERE card_id = $1 ORDER BY created_at DESC, id LIMIT $2`,
    [cardId, limit],
  );
  return rows.map(reservation);
}

/** Moves a reservation to `to` if it is in one of `from`; false when it was not. */
export async function setReservationStatus(
  db: Queryable,
  id: string,
  from: readonly ReservationStatus[],
  to: ReservationStatus,
  at: Date,
): Promise<boolean> {
  if (from.length === 0) return false;
  const placeholders = from.map((_, i) => `$${i + 4}`).join(', ');
  const updated = await db.query(
    `UPDATE pin_reset_reservations SET status = $2, status_changed_at = $3
     WHERE id = $1 AND status IN (${placeholders}) RETURNING id`,
    [id, to, at.toISOString(), ...from],
  );
  return updated.length > 0;
}

export async function insertReset(
  db: Queryable,
  r: {
    id: string;
    reservationId: string;
    terminalId: string;
    cardId: string;
    pinKind: PinKind;
    claimedAt: Date;
    expiresAt: Date;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO pin_resets (id, reservation_id, terminal_id, card_id, pin_kind, status, claimed_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, 'claimed', $6, $7)`,
    [
      r.id,
      r.reservationId,
      r.terminalId,
      r.cardId,
      r.pinKind,
      r.claimedAt.toISOString(),
      r.expiresAt.toISOString(),
    ],
  );
}

/** The reservation's attempt in progress (status claimed), locked. */
export async function findClaimForUpdate(db: Queryable, reservationId: string): Promise<StoredReset | null> {
  const rows = await db.query<ResetRow>(
    `SELECT ${RESET_COLUMNS} FROM pin_resets WHERE reservation_id = $1 AND status = 'claimed' FOR UPDATE`,
    [reservationId],
  );
  return rows[0] ? reset(rows[0]) : null;
}

/** A reset of this terminal with the card's serial, locked; another terminal's reset does not exist for it. */
export async function findTerminalResetForUpdate(
  db: Queryable,
  id: string,
  terminalId: string,
): Promise<(StoredReset & { cardSerial: string }) | null> {
  const rows = await db.query<ResetRow & { card_serial: string }>(
    `SELECT r.id, r.reservation_id, r.terminal_id, r.card_id, r.pin_kind, r.status, r.claimed_at, r.expires_at,
       r.tokens_issued, r.outcome_response, c.card_serial
     FROM pin_resets r JOIN cards c ON c.id = r.card_id
     WHERE r.id = $1 AND r.terminal_id = $2 FOR UPDATE OF r`,
    [id, terminalId],
  );
  const row = rows[0];
  return row ? { ...reset(row), cardSerial: row.card_serial } : null;
}

/** A claimed attempt that never got a token gives way to a new claim. */
export async function supersedeReset(db: Queryable, id: string, at: Date): Promise<boolean> {
  const updated = await db.query(
    `UPDATE pin_resets SET status = 'superseded', outcome_at = $2
     WHERE id = $1 AND status = 'claimed' AND tokens_issued = 0 RETURNING id`,
    [id, at.toISOString()],
  );
  return updated.length > 0;
}

export async function recordTokenIssued(db: Queryable, id: string, at: Date): Promise<void> {
  await db.query(
    `UPDATE pin_resets SET tokens_issued = tokens_issued + 1, last_token_at = $2 WHERE id = $1 AND status = 'claimed'`,
    [id, at.toISOString()],
  );
}

/** Records the outcome of a claimed attempt once, with the answer to replay; false if it was not claimed. */
export async function recordOutcome(
  db: Queryable,
  id: string,
  outcome: 'reset' | 'notReset',
  at: Date,
  response: string,
): Promise<boolean> {
  const updated = await db.query(
    `UPDATE pin_resets SET status = $2, outcome_at = $3, outcome_response = $4
     WHERE id = $1 AND status = 'claimed' RETURNING id`,
    [id, outcome, at.toISOString(), response],
  );
  return updated.length > 0;
}
