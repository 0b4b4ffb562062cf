import * as z from 'zod/mini';
import { CertificateOptions, CertificateType, Display, Language, PinKind } from './state';
import { ErrorInfo } from './errors';

/** The 4-digit user-authentication PIN. Validated before it reaches the card, so a malformed PIN spends no try. */
export const UserAuthPin = z.string().check(z.regex(/^[0-9]{4}$/));

/** The signature PIN: 6–16 of A–Z and 0–9 with at least one letter and one digit (upper-case it first). */
export const SignaturePin = z.string().check(
  z.regex(/^[A-Z0-9]{6,16}$/),
  z.refine((pin) => /[A-Z]/.test(pin) && /[0-9]/.test(pin), 'needs a letter and a digit'),
);

/** A staff code from HQ (digits). */
export const StaffCode = z.string().check(z.regex(/^[0-9]{6,8}$/));

/** cancelJob: the printer cannot be fixed now; the paused customer's missing copies are refunded. */
export const StaffAction = z.enum([
  'resume',
  'cancelJob',
  'refillPaper',
  'testPage',
  'outOfService',
  'inService',
  'exit',
]);
export type StaffAction = z.infer<typeof StaffAction>;

/** What the UI may ask of the agent. The agent decides whether the current state allows it. */
export const Intent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('selectLanguage'), language: Language }),
  z.object({ type: z.literal('setDisplay'), display: Display }),
  z.object({ type: z.literal('start') }),
  /** Service menu: get a certificate (place card → PIN → choose). */
  z.object({ type: z.literal('selectIssuance') }),
  z.object({ type: z.literal('submitPin'), pin: UserAuthPin }),
  /** chooseCertificate screen. */
  z.object({ type: z.literal('selectCertificate'), certificate: CertificateType }),
  /** options screen: the whole option set (the agent checks it against the offer). */
  z.object({ type: z.literal('setOptions'), options: CertificateOptions }),
  z.object({ type: z.literal('setCopies'), copies: z.int().check(z.minimum(1), z.maximum(10)) }),
  /** options screen → payment. */
  z.object({ type: z.literal('confirm') }),
  /** takeCertificate screen: the user is done (otherwise it times out to idle). */
  z.object({ type: z.literal('finish') }),
  z.object({ type: z.literal('cancel') }),
  z.object({ type: z.literal('stillHere') }),
  // PIN reset
  z.object({ type: z.literal('selectPinReset') }),
  z.object({ type: z.literal('chooseResetPin'), reset: PinKind }),
  /** The known signature PIN when proving possession to reset the 4-digit PIN. */
  z.object({ type: z.literal('submitSignaturePin'), pin: SignaturePin }),
  /** The new PIN, sent once after the user typed it twice; the agent checks it against the PIN kind. */
  z.object({ type: z.literal('submitNewPin'), pin: z.union([UserAuthPin, SignaturePin]) }),
  // Store staff
  z.object({ type: z.literal('enterStaffMode') }),
  z.object({ type: z.literal('staffLogin'), code: StaffCode }),
  z.object({ type: z.literal('staffAction'), action: StaffAction }),
  /** Staff menu → the list of refunds owed to customers (to pay from the register). */
  z.object({ type: z.literal('showOwedRefunds') }),
  /** Staff paid this owed refund from the register; `cancel` goes back to the staff menu. */
  z.object({ type: z.literal('settleOwedRefund'), refundId: z.uuid() }),
]);
export type Intent = z.infer<typeof Intent>;

export const IntentAck = z.union([
  z.object({ ok: z.literal(true) }),
  z.object({ ok: z.literal(false), error: ErrorInfo }),
]);
export type IntentAck = z.infer<typeof IntentAck>;
