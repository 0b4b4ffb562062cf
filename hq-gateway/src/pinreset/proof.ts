import { APP_SIGNER_ID, type HqErrorCode, type PinKind } from '../api/schemas';
import { consumeChallenge } from '../db/challenges';
import type { Queryable } from '../db/database';
import type { JpkiCaKind } from '../pki/jpki-names';
import type { TrustStore } from '../pki/trust-store';
import {
  validateCardCertificate,
  type CardCertificateValidation,
  type ValidatedCardCertificate,
} from '../pki/validate';
import { findCardByCertificate, type RegisteredCard } from '../registry/store';

/**
 * Proof of card possession for PIN reset: a fresh HQ challenge signed with the key of a PIN the user knows,
 * validated exactly like a kiosk session (path to the CA of that key's kind, validity, revocation, keyUsage,
 * signature), then mapped to the registered card. The app signs for APP_SIGNER_ID, a kiosk for its terminal id.
 */

export interface PossessionProof {
  challengeId: string;
  /** DER, base64 (already checked to be base64 by the schema). */
  certificate: string;
  /** base64. */
  signature: string;
}

export interface ProofDeps {
  db: Queryable;
  trustStore: TrustStore;
  revokedSerials?: ReadonlySet<string>;
}

export interface ProvenCard extends RegisteredCard {
  /** The certificate that signed: which kind it is and how it is identified. */
  proof: ValidatedCardCertificate;
}

export type ProofResult =
  | { ok: true; card: ProvenCard }
  /** `reason` is technical, for logs. */
  | { ok: false; code: HqErrorCode; reason: string };

/**
 * Consumes the challenge (so a failed attempt cannot be retried against the same nonce), then validates the
 * certificate as each accepted kind in turn — a certificate chains to at most one kind's CAs — and maps it to
 * its card. `terminalId` null: the app's challenge, signed for APP_SIGNER_ID.
 */
export async function provePossession(
  deps: ProofDeps,
  q: {
    proof: PossessionProof;
    purpose: 'kiosk-pin-reset' | 'app-pin-reset';
    terminalId: string | null;
    accept: readonly JpkiCaKind[];
    at: Date;
  },
): Promise<ProofResult> {
  const challenge = await consumeChallenge(deps.db, {
    id: q.proof.challengeId,
    terminalId: q.terminalId,
    at: q.at,
  });
  if (!challenge.ok) return { ok: false, code: challenge.code, reason: 'challenge not usable' };
  // The signature is checked against the stored purpose: a challenge taken out for a kiosk session must not
  // serve a PIN reset, nor the other way round.
  if (challenge.purpose !== q.purpose) {
    return { ok: false, code: 'CHALLENGE_NOT_FOUND', reason: 'challenge of another purpose' };
  }

  const certificate = Buffer.from(q.proof.certificate, 'base64');
  const signature = Buffer.from(q.proof.signature, 'base64');
  const nonce = Buffer.from(challenge.nonce, 'base64');
  const signerId = q.terminalId ?? APP_SIGNER_ID;
  let failure: Extract<CardCertificateValidation, { ok: false }> | undefined;
  for (const kind of q.accept) {
    const validation = await validateCardCertificate({
      kind,
      certificate,
      signature,
      nonce,
      signerId,
      purpose: q.purpose,
      trustAnchors: deps.trustStore[kind],
      at: q.at,
      ...(deps.revokedSerials && { revokedSerials: deps.revokedSerials }),
    });
    if (validation.ok) {
      const card = await findCardByCertificate(deps.db, kind, validation.certificate);
      if (!card)
        return { ok: false, code: 'CARD_NOT_REGISTERED', reason: `${kind} certificate not registered` };
      return { ok: true, card: { ...card, proof: validation.certificate } };
    }
    // A failure past the chain (expired, revoked, bad signature) says more than "not this kind's CA".
    if (!failure || (failure.code === 'CERTIFICATE_CHAIN_INVALID' && validation.code !== failure.code)) {
      failure = validation;
    }
  }
  return failure
    ? { ok: false, code: failure.code, reason: failure.reason }
    : { ok: false, code: 'CERTIFICATE_CHAIN_INVALID', reason: 'no certificate kind accepted' };
}

/** The certificate that proves possession to reset `reset`: the one of the other PIN. */
export function proofKindFor(reset: PinKind): JpkiCaKind {
  return reset === 'signature' ? 'userAuth' : 'signature';
}

/**
 * Whether a valid proof may book or claim a reset of `reset`. To reset the signature PIN, the
 * user-authentication certificate; to reset the 4-digit PIN, the signature certificate. A card without a
 * signature certificate (a child's) has no signature PIN to reset and cannot prove possession for the
 * 4-digit one: NO_SIGNATURE_CERTIFICATE — detectable when such a card offers its user-authentication proof.
 */
export function checkResetProof(
  reset: PinKind,
  card: ProvenCard,
): { ok: true } | { ok: false; code: HqErrorCode; reason: string } {
  if (!card.hasSignatureCertificate) {
    return { ok: false, code: 'NO_SIGNATURE_CERTIFICATE', reason: 'card has no signature certificate' };
  }
  if (card.proof.kind !== proofKindFor(reset)) {
    return {
      ok: false,
      code: 'CERTIFICATE_CHAIN_INVALID',
      reason: `a ${card.proof.kind} certificate cannot prove possession to reset the ${reset} PIN`,
    };
  }
  return { ok: true };
}
