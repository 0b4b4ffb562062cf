import * as z from 'zod/mini';
import {
  CertificateOptions,
  CertificateType,
  HouseholdMember,
  OfferedCertificate,
  RefusalReason,
} from 'hq-gateway/api/certificates';
import { ErrorInfo } from './errors';

export { CertificateOptions, CertificateType, HouseholdMember, OfferedCertificate, RefusalReason };

/** Kiosk languages; 'ja-easy' is やさしい日本語 (short sentences, kana readings). */
export const Language = z.enum(['ja', 'en', 'zh-Hans', 'ko', 'vi', 'pt', 'ja-easy']);
export type Language = z.infer<typeof Language>;

/** Display modes for users who need them; reset with every transaction like the language. */
export const Display = z.object({ largeText: z.boolean(), highContrast: z.boolean() });
export type Display = z.infer<typeof Display>;

/** What the service menu offers: certificates, and finishing a PIN reset booked in the smartphone app. */
export const Service = z.enum(['certificate', 'pinReset']);
export type Service = z.infer<typeof Service>;

/** The two PINs of the JPKI AP: the 4-digit user-authentication PIN and the 6–16 character signature PIN. */
export const PinKind = z.enum(['userAuth', 'signature']);
export type PinKind = z.infer<typeof PinKind>;

/** Why the customer must call staff (never anything about the customer). */
export const StaffCallReason = z.enum(['jam', 'paperOut', 'coverOpen', 'offline']);
export type StaffCallReason = z.infer<typeof StaffCallReason>;

export const OwedRefundsSummary = z.object({
  count: z.int().check(z.minimum(0)),
  totalYen: z.int().check(z.minimum(0)),
});
export type OwedRefundsSummary = z.infer<typeof OwedRefundsSummary>;

/** One refund owed, as staff see it: no job, card or customer data — the amount and since when. */
export const OwedRefundView = z.object({
  refundId: z.uuid(),
  amountYen: z.int().check(z.minimum(1)),
  /** ISO time it became owed; the UI shows it in Japan time. */
  owedAt: z.iso.datetime(),
});
export type OwedRefundView = z.infer<typeof OwedRefundView>;

const common = {
  language: Language,
  display: Display,
  /** A message to show on top of the screen (e.g. "the card was removed"), cleared by the next step. */
  notice: z.nullable(ErrorInfo),
  /** Set while the inactivity warning is showing: when the kiosk will reset (epoch ms). */
  inactivityResetAt: z.nullable(z.number()),
};

/**
 * The whole screen state the agent sends to the UI. It never carries a PIN or key material, and
 * personal data only on screens that must show it to the card holder.
 */
export const ScreenState = z.discriminatedUnion('screen', [
  z.object({ screen: z.literal('idle'), ...common }),
  z.object({ screen: z.literal('serviceMenu'), ...common, services: z.array(Service) }),
  z.object({ screen: z.literal('placeCard'), ...common, service: Service }),
  z.object({
    screen: z.literal('pin'),
    ...common,
    triesLeft: z.int().check(z.minimum(0)),
    maxTries: z.int().check(z.minimum(1)),
  }),
  z.object({ screen: z.literal('authenticating'), ...common }),
  /** The municipality's offer for this resident: each certificate available, or refused with a reason. */
  z.object({
    screen: z.literal('chooseCertificate'),
    ...common,
    municipality: z.string(),
    certificates: z.array(z.omit(OfferedCertificate, { options: true })),
  }),
  /** This resident can get nothing here now (under 15, moved out, …): the reason, then take the card. */
  z.object({ screen: z.literal('refused'), ...common, reason: RefusalReason }),
  /** Options and copies for the chosen certificate, with the fee; defaults need one tap ("next"). */
  z.object({
    screen: z.literal('options'),
    ...common,
    certificate: CertificateType,
    options: CertificateOptions,
    /** What may be chosen (household members are shown to the card holder only). */
    choices: OfferedCertificate.shape.options,
    copies: z.int().check(z.minimum(1), z.maximum(10)),
    feePerCopyYen: z.int().check(z.minimum(0)),
    feeYen: z.int().check(z.minimum(0)),
  }),
  /** Insert coins or bills; printing needs the card removed first, then starts by itself. */
  z.object({
    screen: z.literal('payment'),
    ...common,
    certificate: CertificateType,
    copies: z.int().check(z.minimum(1)),
    dueYen: z.int().check(z.minimum(0)),
    insertedYen: z.int().check(z.minimum(0)),
  }),
  /** Paid (change returned): take the card back; printing starts when it is out of the reader. */
  z.object({
    screen: z.literal('removeCard'),
    ...common,
    certificate: CertificateType,
    changeYen: z.int().check(z.minimum(0)),
  }),
  z.object({
    screen: z.literal('printing'),
    ...common,
    certificate: CertificateType,
    page: z.int().check(z.minimum(0)),
    pages: z.int().check(z.minimum(1)),
  }),
  /** Done: take the certificate(s); refundedYen > 0 when some copies could not be printed and were paid back. */
  z.object({
    screen: z.literal('takeCertificate'),
    ...common,
    certificate: CertificateType,
    printedCopies: z.int().check(z.minimum(0)),
    copies: z.int().check(z.minimum(1)),
    refundedYen: z.int().check(z.minimum(0)),
  }),
  z.object({ screen: z.literal('pinLocked'), ...common }),

  // PIN reset booked in the smartphone app (jpki-card.md "PIN reset at the kiosk").
  /** Which PIN did you book a reset for? Tries left of each (null: the card has no signature certificate). */
  z.object({
    screen: z.literal('resetChoose'),
    ...common,
    triesLeft: z.object({
      userAuth: z.int().check(z.minimum(0)),
      signature: z.nullable(z.int().check(z.minimum(0))),
    }),
  }),
  /** Prove possession with the other PIN: `proveWith` is the PIN to type now. */
  z.object({
    screen: z.literal('resetProve'),
    ...common,
    reset: PinKind,
    proveWith: PinKind,
    triesLeft: z.int().check(z.minimum(0)),
    maxTries: z.int().check(z.minimum(1)),
  }),
  z.object({ screen: z.literal('resetChecking'), ...common, reset: PinKind }),
  /** Type the new PIN twice (the UI checks the format and the match before sending it once). */
  z.object({ screen: z.literal('resetNewPin'), ...common, reset: PinKind }),
  z.object({ screen: z.literal('resetWriting'), ...common, reset: PinKind }),
  z.object({ screen: z.literal('resetDone'), ...common, reset: PinKind }),

  // Printer trouble and store staff.
  /** Shown to the customer: please call store staff. No personal data. */
  z.object({ screen: z.literal('callStaff'), ...common, reason: StaffCallReason }),
  z.object({ screen: z.literal('outOfService'), ...common }),
  z.object({ screen: z.literal('staffLogin'), ...common }),
  z.object({
    screen: z.literal('staffMenu'),
    ...common,
    printer: z.object({
      state: z.enum(['idle', 'printing', 'paperOut', 'jam', 'coverOpen', 'offline']),
      /** Where the paper is stuck, for the drawing (e.g. "tray1", "fuser", "output"). */
      jamWhere: z.nullable(z.string()),
      paperLow: z.boolean(),
    }),
    /** A customer's job waits for the staff to clear the fault and resume. */
    jobPaused: z.boolean(),
    /** Refunds owed to customers, to pay from the register (see staffOwedRefunds). */
    owedRefunds: OwedRefundsSummary,
    outOfService: z.boolean(),
    /** The last staff action's result, for feedback. */
    lastAction: z.nullable(
      z.enum(['resume', 'cancelJob', 'refillPaper', 'testPage', 'outOfService', 'inService']),
    ),
  }),
  /** Refunds owed to customers, oldest first: staff pay each from the register and confirm it. */
  z.object({
    screen: z.literal('staffOwedRefunds'),
    ...common,
    refunds: z.array(OwedRefundView),
    /** The refund just confirmed, for feedback (it is no longer in the list). */
    lastSettled: z.nullable(z.object({ amountYen: z.int().check(z.minimum(1)) })),
  }),
]);
export type ScreenState = z.infer<typeof ScreenState>;
export type ScreenName = ScreenState['screen'];

export const ReaderStatus = z.enum(['ready', 'cardPresent', 'unavailable']);
export const PrinterStatus = z.enum(['idle', 'printing', 'paperOut', 'jam', 'coverOpen', 'offline']);
export const HqLinkStatus = z.enum(['online', 'offline']);
export const PaymentStatus = z.enum(['ready', 'accepting', 'unavailable']);

/** Device status snapshot, then only the fields that changed (XFS4IoT Common.Status style). */
export const DeviceStatus = z.object({
  reader: ReaderStatus,
  printer: PrinterStatus,
  hq: HqLinkStatus,
  payment: PaymentStatus,
});
export type DeviceStatus = z.infer<typeof DeviceStatus>;
export const DeviceStatusChange = z.partial(DeviceStatus);
export type DeviceStatusChange = z.infer<typeof DeviceStatusChange>;
