import type { HqErrorCode, PinKind } from '../api/schemas';
import { appendAudit, type AuditEntry, type AuditEvent } from '../db/audit';
import type { Database } from '../db/database';
import type { JpkiCaKind } from '../pki/jpki-names';
import type { TrustStore } from '../pki/trust-store';
import { proofKindFor, type ProvenCard } from './proof';

/**
 * What the app side (app-reservations.ts) and the kiosk side (kiosk-resets.ts) of the PIN reset service share:
 * their dependencies, the Outcome/Refusal every step answers with, and the audit helpers.
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

export type RefusalIds = Partial<Pick<AuditEntry, 'cardId' | 'reservationId' | 'pinKind'>>;

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

/**
 * The certificate kinds a reset request is validated as: the one it needs first, then the other, so that a
 * proof made with the PIN being reset — or with a child's only certificate — is told apart from a bad one
 * (checkResetProof gives it its precise answer).
 */
export function proofKindsFor(reset: PinKind): JpkiCaKind[] {
  return [proofKindFor(reset), reset];
}

/** The entry with the card's ids, for the audit. */
export function cardAudit<T extends Omit<AuditEntry, 'event'>>(entry: T, card: ProvenCard): T {
  return { ...entry, cardId: card.cardId, residentId: card.residentId };
}

export function refusal(code: HqErrorCode, reason: string, ids?: RefusalIds): Refusal {
  return { ok: false, code, reason, ...(ids && { ids }) };
}

/** Audits the refusal (outside any transaction, which may have rolled back) and returns it. */
export async function refuse(
  deps: PinResetDeps,
  event: AuditEvent,
  entry: Omit<AuditEntry, 'event'>,
  refused: { code: HqErrorCode; reason: string; ids?: RefusalIds },
): Promise<Refusal> {
  await appendAudit(deps.db, { ...entry, ...refused.ids, event, code: refused.code });
  return refusal(refused.code, refused.reason, refused.ids);
}
