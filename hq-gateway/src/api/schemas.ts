import { z } from 'zod';
import { CertificateOptions, CertificateType, DocumentContent, RefusalReason } from './certificates';

export * from './certificates';

/**
 * HQ's API contract. Declared once here; the kiosk agent's HQ client imports these schemas
 * rather than redeclaring them.
 */

const base64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64');
const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be base64url');

export const HqErrorCode = z.enum([
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'TERMINAL_UNAUTHENTICATED',
  'CHALLENGE_NOT_FOUND',
  'CHALLENGE_EXPIRED',
  'CHALLENGE_USED',
  'CERTIFICATE_MALFORMED',
  'CERTIFICATE_CHAIN_INVALID',
  'CERTIFICATE_EXPIRED',
  'CERTIFICATE_NOT_YET_VALID',
  'CERTIFICATE_REVOKED',
  'SIGNATURE_INVALID',
  'CARD_NOT_REGISTERED',
  'SESSION_NOT_FOUND',
  'SESSION_EXPIRED',
  'SERVICE_REFUSED',
  'ISSUANCE_NOT_FOUND',
  'COPY_NOT_FOUND',
  'IDEMPOTENCY_CONFLICT',
  'RESERVATION_NOT_FOUND',
  'RESERVATION_EXPIRED',
  'RESERVATION_USED',
  'RESERVATION_EXISTS',
  'PIN_RESET_NOT_FOUND',
  'COPY_NOT_SPOILED',
  'NO_SIGNATURE_CERTIFICATE',
  'OPERATOR_UNAUTHENTICATED',
  'OPERATOR_FORBIDDEN',
  'CSRF_TOKEN_INVALID',
  'LOGIN_THROTTLED',
  /** An open route asked too often by one client (api/rate-limit.ts); Retry-After says when to try again. */
  'RATE_LIMITED',
  'OPERATOR_EXISTS',
  'OPTIONS_INVALID',
  'INTERNAL',
]);
export type HqErrorCode = z.infer<typeof HqErrorCode>;

/** Every non-2xx answer has this body. */
export const HqErrorBody = z.object({
  error: z.object({
    code: HqErrorCode,
    message: z.string(),
    /** For VALIDATION_FAILED: which fields were wrong. */
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    /** For SERVICE_REFUSED: why, in the offer's terms, so the kiosk can tell the user what to do instead. */
    reason: z.optional(RefusalReason),
  }),
});
export type HqErrorBody = z.infer<typeof HqErrorBody>;

/**
 * What a card signature over a challenge is for; part of the signed bytes, so a signature made for one
 * purpose can never be replayed for another.
 */
export const ChallengePurpose = z.enum(['kiosk-session', 'kiosk-pin-reset', 'app-pin-reset']);
export type ChallengePurpose = z.infer<typeof ChallengePurpose>;

// POST /v1/kiosk/challenges
export const ChallengeRequest = z.strictObject({ purpose: ChallengePurpose });
export type ChallengeRequest = z.infer<typeof ChallengeRequest>;
export const ChallengeResponse = z.object({
  challengeId: z.uuid(),
  /** 32 random bytes, base64. */
  nonce: base64,
  expiresAt: z.iso.datetime(),
});
export type ChallengeResponse = z.infer<typeof ChallengeResponse>;

// POST /v1/kiosk/sessions
export const SessionRequest = z.strictObject({
  challengeId: z.uuid(),
  /** The card's user-authentication certificate (EF 000A), DER base64. */
  certificate: base64.max(8192),
  /** RSA PKCS#1 v1.5 signature over DigestInfo(SHA-256(nonce ‖ terminalId ‖ purpose)), base64. */
  signature: base64.max(1024),
});
export type SessionRequest = z.infer<typeof SessionRequest>;
export const SessionResponse = z.object({
  sessionId: z.uuid(),
  expiresAt: z.iso.datetime(),
  municipality: z.object({ code: z.string(), name: z.string() }),
  services: z.array(CertificateType),
  /** Fee per copy of each certificate; the full offer (availability, options, hours) is GET …/offer. */
  offer: z.array(z.object({ certificate: CertificateType, feeYen: z.number().int().min(0) })),
});
export type SessionResponse = z.infer<typeof SessionResponse>;

// POST /v1/kiosk/issuances
export const IssuanceRequest = z.strictObject({
  sessionId: z.uuid(),
  /** The same key on a retry yields the same answer. */
  idempotencyKey: z.uuid(),
  /** Which certificate and its options (the type is `options.type`); HQ re-checks them against the offer. */
  options: CertificateOptions,
  copies: z.number().int().min(1).max(10).default(1),
});
export type IssuanceRequest = z.infer<typeof IssuanceRequest>;

/** A document as HQ signs it: the exact payload bytes (base64url JSON) and an Ed25519 signature over them. */
export const SignedDocument = z.object({
  payload: base64url,
  signature: base64url,
  keyId: z.string(),
});
export type SignedDocument = z.infer<typeof SignedDocument>;

export const IssuanceResponse = z.object({
  issuanceId: z.uuid(),
  feeYen: z.number().int().min(0),
  documents: z.array(SignedDocument).min(1),
});
export type IssuanceResponse = z.infer<typeof IssuanceResponse>;

// POST /v1/kiosk/issuances/:issuanceId/copies/:serial
export const CopyReportRequest = z.strictObject({ status: z.enum(['printed', 'spoiled']) });
export type CopyReportRequest = z.infer<typeof CopyReportRequest>;
export const CopyReportResponse = z.object({
  serial: z.string(),
  status: z.enum(['printed', 'spoiled', 'issued']),
});

// POST /v1/kiosk/issuances/:issuanceId/copies/:serial/replacement   (the copy must be reported spoiled)
export const ReplacementRequest = z.strictObject({});
export const ReplacementResponse = z.object({
  /** The spoiled serial this document replaces (voided at HQ). */
  replaces: z.string(),
  document: SignedDocument,
});
export type ReplacementResponse = z.infer<typeof ReplacementResponse>;

// POST /v1/kiosk/status   (device status: a snapshot first, then only the fields that changed)
export const TerminalDeviceStatus = z.strictObject({
  reader: z.enum(['ready', 'cardPresent', 'unavailable']),
  printer: z.enum(['idle', 'printing', 'paperOut', 'jam', 'coverOpen', 'offline']),
  /** Where the paper is stuck, when printer is 'jam'. */
  jamWhere: z.string().max(40).nullable(),
  paperLow: z.boolean(),
  outOfService: z.boolean(),
  // The fields below are optional on the wire so that kiosks still running an older agent keep reporting.
  /** The kiosk's current screen NAME only (e.g. 'payment', 'callStaff'), never what it shows. */
  screen: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9]{0,39}$/)
    .optional(),
  paperLevel: z.enum(['ok', 'low', 'out']).optional(),
  payment: z.enum(['ready', 'accepting', 'unavailable']).optional(),
  /** Counted since the agent started. */
  counters: z
    .strictObject({
      sessions: z.number().int().nonnegative(),
      authFailures: z.number().int().nonnegative(),
      issuances: z.number().int().nonnegative(),
      pagesPrinted: z.number().int().nonnegative(),
    })
    .optional(),
  /**
   * Refunds owed after a restart that store staff have not yet paid from the register (kiosk-agent
   * payment/owed-refunds.ts): amounts and times only. oldestAt is when the longest-waiting one became owed.
   */
  owedRefunds: z
    .strictObject({
      count: z.number().int().nonnegative(),
      totalYen: z.number().int().nonnegative(),
      oldestAt: z.iso.datetime({ offset: true }).nullable(),
    })
    .optional(),
});
export type TerminalDeviceStatus = z.infer<typeof TerminalDeviceStatus>;
export const StatusReport = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('snapshot'), status: TerminalDeviceStatus }),
  z.strictObject({ kind: z.literal('change'), fields: TerminalDeviceStatus.partial() }),
  /** Sent every 15 s when nothing else was: HQ records that the terminal is alive, no history row. */
  z.strictObject({ kind: z.literal('heartbeat') }),
]);
export type StatusReport = z.infer<typeof StatusReport>;
export const StatusReportResponse = z.object({
  /** false when HQ holds no snapshot to apply a change (or heartbeat) to: send a snapshot. */
  applied: z.boolean(),
});

/** What the payload of a SignedDocument decodes to: who/where/when it is bound to, then the certificate. */
export const DocumentPayload = z.object({
  version: z.literal(2),
  type: CertificateType,
  serial: z.string().regex(/^[A-Z0-9-]{6,32}$/),
  issuedAt: z.iso.datetime(),
  issuanceId: z.uuid(),
  sessionId: z.uuid(),
  terminalId: z.string(),
  /** SHA-256 of the DER user-authentication certificate that opened the session, hex. */
  cardCertificateSha256: z.string().regex(/^[0-9a-f]{64}$/),
  copy: z.object({ index: z.number().int().min(1), of: z.number().int().min(1) }),
  municipality: z.object({ code: z.string(), name: z.string(), mayor: z.string(), prefecture: z.string() }),
  /** content.type always equals type. */
  content: DocumentContent,
  /** The QR seal printed on every page: a compact text signed by HQ on its own (see SealText). */
  seal: z.string().max(600),
});
export type DocumentPayload = z.infer<typeof DocumentPayload>;

// ---------------------------------------------------------------------------------------------------
// PIN reset (jpki-card.md "PIN reset at the kiosk"). No PIN ever appears in any of these messages.

/** Which PIN is being reset: the 4-digit user-authentication PIN (EF 0018) or the signature PIN (EF 001B). */
export const PinKind = z.enum(['userAuth', 'signature']);
export type PinKind = z.infer<typeof PinKind>;

/**
 * A proof of card possession: a fresh challenge signed with the key of the PIN the user still knows —
 * the user-authentication key (EF 0017) to reset the signature PIN, the signature key (EF 001A, its
 * certificate read after VERIFY of 001B) to reset the user-authentication PIN.
 */
const PossessionProof = {
  challengeId: z.uuid(),
  /** DER certificate of the key that signed, base64. */
  certificate: base64.max(8192),
  /** RSASSA-PKCS1-v1_5 SHA-256 over challenge nonce ‖ (terminal id or "app") ‖ purpose, base64. */
  signature: base64.max(1024),
};

// POST /v1/app/challenges (the smartphone app; no terminal credentials)
export const AppChallengeRequest = z.strictObject({ purpose: z.literal('app-pin-reset') });
export type AppChallengeRequest = z.infer<typeof AppChallengeRequest>;
/** The app's signed input uses this in place of a terminal id. */
export const APP_SIGNER_ID = 'app';

// POST /v1/app/pin-reset/reservations
export const ReservationRequest = z.strictObject({
  ...PossessionProof,
  /** The PIN to reset; the proof must come from the other one. */
  reset: PinKind,
  /** The app's own statement that its face check against the card's photo passed (outside this project). */
  faceCheck: z.strictObject({ passed: z.literal(true), checkedAt: z.iso.datetime() }),
});
export type ReservationRequest = z.infer<typeof ReservationRequest>;

export const Reservation = z.object({
  reservationId: z.uuid(),
  reset: PinKind,
  status: z.enum(['open', 'claimed', 'used', 'cancelled', 'expired']),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
});
export type Reservation = z.infer<typeof Reservation>;

// POST /v1/app/pin-reset/reservations/list   (a fresh proof; answers this card's reservations)
export const ReservationListRequest = z.strictObject(PossessionProof);
export type ReservationListRequest = z.infer<typeof ReservationListRequest>;
export const ReservationListResponse = z.object({ reservations: z.array(Reservation) });

// POST /v1/app/pin-reset/reservations/:reservationId/cancel   (a fresh proof from the same card)
export const ReservationCancelRequest = z.strictObject(PossessionProof);
export type ReservationCancelRequest = z.infer<typeof ReservationCancelRequest>;

// POST /v1/kiosk/pin-resets   (kiosk, terminal credentials; challenge purpose 'kiosk-pin-reset')
export const KioskPinResetRequest = z.strictObject({ ...PossessionProof, reset: PinKind });
export type KioskPinResetRequest = z.infer<typeof KioskPinResetRequest>;
export const KioskPinResetResponse = z.object({
  /** The claimed reservation's reset, bound to this terminal and card. */
  resetId: z.uuid(),
  reset: PinKind,
  expiresAt: z.iso.datetime(),
});
export type KioskPinResetResponse = z.infer<typeof KioskPinResetResponse>;

// POST /v1/kiosk/pin-resets/:resetId/token
export const PinResetTokenRequest = z.strictObject({
  /** The card's 8-byte GET CHALLENGE answer, base64. */
  cardNonce: base64.max(24),
});
export type PinResetTokenRequest = z.infer<typeof PinResetTokenRequest>;
export const PinResetTokenResponse = z.object({
  /** 16 bytes for EXTERNAL AUTHENTICATE, base64: first 16 bytes of HMAC-SHA256(K_card, "JPKI-PIN-RESET" ‖ EF ‖ nonce). */
  token: base64,
});

// POST /v1/kiosk/pin-resets/:resetId/outcome   (idempotent; 'reset' consumes the reservation exactly once)
export const PinResetOutcomeRequest = z.strictObject({ outcome: z.enum(['reset', 'notReset']) });
export type PinResetOutcomeRequest = z.infer<typeof PinResetOutcomeRequest>;
export const PinResetOutcomeResponse = z.object({ resetId: z.uuid(), reservation: Reservation });

// GET /v1/kiosk/staff-codes   (the terminal's current store staff codes as salted scrypt records, never a code)
export const StaffCodeRecord = z.object({ salt: base64, scrypt: base64 });
export const StaffCodesResponse = z.object({ codes: z.array(StaffCodeRecord).max(16) });
export type StaffCodesResponse = z.infer<typeof StaffCodesResponse>;

// ---------------------------------------------------------------------------------------------------
// The QR seal and GET /v1/verify.

/**
 * The QR seal: `JPKS1.<base64url(JSON of SealFields)>.<base64url(Ed25519 signature over those JSON bytes)>`,
 * signed with HQ's document key (keyId inside), so anyone with HQ's public key can check it offline.
 * Short keys keep the QR code small enough to scan from a 600 dpi print at 25 mm.
 */
export const SEAL_PREFIX = 'JPKS1';
export const SealFields = z.strictObject({
  /** certificate type */
  t: CertificateType,
  /** serial */
  s: z.string().regex(/^[A-Z0-9-]{6,32}$/),
  /** issue date (JST, YYYY-MM-DD) */
  d: z.iso.date(),
  /** holder's name as printed (the card holder; for 戸籍 the requester) */
  n: z.string().max(40),
  /** holder's birth date */
  b: z.iso.date(),
  /** municipality code */
  m: z.string().regex(/^[0-9]{6}$/),
  // No page count: HQ signs before the kiosk lays the document out, so it cannot know it (the printed
  // "page x/y" and the serial on every page cover that).
  /** HQ document key id */
  k: z.string().max(32),
});
export type SealFields = z.infer<typeof SealFields>;

// GET /v1/verify?seal=<seal text>   (public; no terminal credentials)
export const VerifyQuery = z.strictObject({ seal: z.string().min(1).max(1200) });
export const VerifyResponse = z.object({
  /** valid: HQ signed it and the copy was printed (or is being printed); void: HQ signed it but the copy was
   * spoiled/voided; forged: the signature, key or format does not check out. */
  result: z.enum(['valid', 'void', 'forged']),
  /** The signed fields when the signature verified (valid or void). */
  fields: SealFields.nullable(),
  /** Why forged (for the operator; the public page shows only the verdict). */
  reason: z.string().nullable(),
});
export type VerifyResponse = z.infer<typeof VerifyResponse>;
