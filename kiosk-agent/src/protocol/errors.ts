import * as z from 'zod/mini';

/**
 * Stable error codes shared by agent and UI. The UI maps each code to words and pictures
 * (never the other way round: no string matching on messages).
 */
export const ErrorCode = z.enum([
  'CARD_REMOVED',
  'CARD_UNREADABLE',
  'CARD_TIMEOUT',
  'READER_UNAVAILABLE',
  'PIN_WRONG',
  'PIN_LOCKED',
  'PIN_FORMAT',
  'CERTIFICATE_INVALID',
  'CARD_NOT_REGISTERED',
  'SERVICE_REFUSED',
  'HQ_UNAVAILABLE',
  'HQ_REJECTED',
  'DOCUMENT_INVALID',
  'PRINTER_FAILED',
  /** The coin/bill acceptor failed; money already inserted is returned. */
  'PAYMENT_FAILED',
  /** The chosen options are not in the municipality's offer (HQ refused them). */
  'OPTIONS_INVALID',
  'INACTIVITY_TIMEOUT',
  'BAD_REQUEST',
  'INVALID_STATE',
  'UNAUTHORIZED',
  'PIN_RESET_NOT_RESERVED',
  'PIN_RESET_EXPIRED',
  'PIN_RESET_USED',
  'PIN_RESET_BOTH_LOCKED',
  'PIN_RESET_NO_SIGNATURE_CERTIFICATE',
  'PIN_RESET_INTERRUPTED_UNCHANGED',
  'PIN_RESET_INTERRUPTED_CHANGED',
  /** The card left during the write: put it back so the kiosk can tell which PIN it holds now. */
  'PIN_RESET_CHECK_CARD',
  'STAFF_CODE_WRONG',
  /** Staff tried to settle an owed refund the kiosk does not know (nothing changed). */
  'REFUND_NOT_FOUND',
  /** That owed refund was already paid from the register (nothing changed). */
  'REFUND_ALREADY_SETTLED',
  'OUT_OF_SERVICE',
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** Who can fix it: the user (retry, remove card), staff (paper, jam), a technician, or nobody (automatic). */
export const ErrorAction = z.enum(['user', 'staff', 'technician', 'automatic']);
export type ErrorAction = z.infer<typeof ErrorAction>;

export const ErrorInfo = z.object({
  code: ErrorCode,
  action: ErrorAction,
  /** Only for PIN_WRONG: tries left on the card after this attempt. */
  triesLeft: z.optional(z.int().check(z.minimum(0))),
});
export type ErrorInfo = z.infer<typeof ErrorInfo>;

/** The default "who can fix it" for each code. */
export const errorActions: Record<ErrorCode, ErrorAction> = {
  CARD_REMOVED: 'user',
  CARD_UNREADABLE: 'user',
  CARD_TIMEOUT: 'user',
  READER_UNAVAILABLE: 'technician',
  PIN_WRONG: 'user',
  PIN_LOCKED: 'user',
  PIN_FORMAT: 'user',
  CERTIFICATE_INVALID: 'user',
  CARD_NOT_REGISTERED: 'user',
  SERVICE_REFUSED: 'user',
  HQ_UNAVAILABLE: 'automatic',
  HQ_REJECTED: 'technician',
  DOCUMENT_INVALID: 'technician',
  PRINTER_FAILED: 'staff',
  PAYMENT_FAILED: 'staff',
  OPTIONS_INVALID: 'user',
  INACTIVITY_TIMEOUT: 'automatic',
  BAD_REQUEST: 'automatic',
  INVALID_STATE: 'automatic',
  UNAUTHORIZED: 'automatic',
  PIN_RESET_NOT_RESERVED: 'user',
  PIN_RESET_EXPIRED: 'user',
  PIN_RESET_USED: 'user',
  PIN_RESET_BOTH_LOCKED: 'user',
  PIN_RESET_NO_SIGNATURE_CERTIFICATE: 'user',
  PIN_RESET_INTERRUPTED_UNCHANGED: 'user',
  PIN_RESET_INTERRUPTED_CHANGED: 'user',
  PIN_RESET_CHECK_CARD: 'user',
  STAFF_CODE_WRONG: 'staff',
  REFUND_NOT_FOUND: 'staff',
  REFUND_ALREADY_SETTLED: 'staff',
  OUT_OF_SERVICE: 'staff',
  INTERNAL: 'technician',
};
