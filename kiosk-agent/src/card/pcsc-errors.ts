import { KioskError } from '../errors';
import type { ErrorCode } from '../protocol/errors';

/**
 * PC/SC return codes → the kiosk's stable error codes. node-pcsclite reports a failure only as message text,
 * e.g. "SCardTransmit error: Card was removed.(0x80100069)", so the code is parsed out of the message.
 * Codes not in the table are CARD_UNREADABLE: the user can retry with the card, and the log keeps the code.
 */

type CardReaderCode = Extract<
  ErrorCode,
  'CARD_REMOVED' | 'CARD_TIMEOUT' | 'CARD_UNREADABLE' | 'READER_UNAVAILABLE'
>;

export interface PcscErrorEntry {
  /** The PC/SC name, for logs. */
  name: string;
  code: CardReaderCode;
  /** pcscd is gone or the link to it broke: the context must be re-created and the readers re-enumerated. */
  serviceLost?: true;
}

export const PCSC_ERRORS: ReadonlyMap<number, PcscErrorEntry> = new Map<number, PcscErrorEntry>([
  // The card left, or lost its state (power or reset by someone else): the session is over.
  [0x80100069, { name: 'SCARD_W_REMOVED_CARD', code: 'CARD_REMOVED' }],
  [0x80100068, { name: 'SCARD_W_RESET_CARD', code: 'CARD_REMOVED' }],
  [0x80100067, { name: 'SCARD_W_UNPOWERED_CARD', code: 'CARD_REMOVED' }],
  [0x8010000c, { name: 'SCARD_E_NO_SMARTCARD', code: 'CARD_REMOVED' }],
  // The daemon, its transport or the reader itself: nothing the user can fix.
  [0x8010001d, { name: 'SCARD_E_NO_SERVICE', code: 'READER_UNAVAILABLE', serviceLost: true }],
  [0x8010001e, { name: 'SCARD_E_SERVICE_STOPPED', code: 'READER_UNAVAILABLE', serviceLost: true }],
  [0x80100013, { name: 'SCARD_F_COMM_ERROR', code: 'READER_UNAVAILABLE', serviceLost: true }],
  [0x80100009, { name: 'SCARD_E_UNKNOWN_READER', code: 'READER_UNAVAILABLE' }],
  [0x80100017, { name: 'SCARD_E_READER_UNAVAILABLE', code: 'READER_UNAVAILABLE' }],
  [0x8010002e, { name: 'SCARD_E_NO_READERS_AVAILABLE', code: 'READER_UNAVAILABLE' }],
  [0x8010001a, { name: 'SCARD_E_READER_UNSUPPORTED', code: 'READER_UNAVAILABLE' }],
  [0x80100010, { name: 'SCARD_E_NOT_READY', code: 'READER_UNAVAILABLE' }],
  [0x80100012, { name: 'SCARD_E_SYSTEM_CANCELLED', code: 'READER_UNAVAILABLE' }],
  [0x80100002, { name: 'SCARD_E_CANCELLED', code: 'READER_UNAVAILABLE' }],
  // Another process holds the card exclusively (a stray pcsc_scan or OpenSC tool): a technician's matter.
  [0x8010000b, { name: 'SCARD_E_SHARING_VIOLATION', code: 'READER_UNAVAILABLE' }],
  [0x8010000a, { name: 'SCARD_E_TIMEOUT', code: 'CARD_TIMEOUT' }],
  [0x80100007, { name: 'SCARD_F_WAITED_TOO_LONG', code: 'CARD_TIMEOUT' }],
  // Listed for their names in logs; they map to the default.
  [0x80100066, { name: 'SCARD_W_UNRESPONSIVE_CARD', code: 'CARD_UNREADABLE' }],
  [0x80100065, { name: 'SCARD_W_UNSUPPORTED_CARD', code: 'CARD_UNREADABLE' }],
  [0x8010000f, { name: 'SCARD_E_PROTO_MISMATCH', code: 'CARD_UNREADABLE' }],
  [0x80100015, { name: 'SCARD_E_INVALID_ATR', code: 'CARD_UNREADABLE' }],
  [0x80100016, { name: 'SCARD_E_NOT_TRANSACTED', code: 'CARD_UNREADABLE' }],
  [0x80100003, { name: 'SCARD_E_INVALID_HANDLE', code: 'CARD_UNREADABLE' }],
  [0x80100001, { name: 'SCARD_F_INTERNAL_ERROR', code: 'CARD_UNREADABLE' }],
]);

const DEFAULT_ENTRY: PcscErrorEntry = { name: 'unknown', code: 'CARD_UNREADABLE' };

/** The 0x8010xxxx code in a node-pcsclite error message, or undefined when there is none. */
export function pcscErrorCode(error: unknown): number | undefined {
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  const match = /\(0x([0-9a-fA-F]{8})\)/.exec(message);
  return match?.[1] === undefined ? undefined : Number.parseInt(match[1], 16);
}

export function pcscErrorEntry(error: unknown): PcscErrorEntry {
  const code = pcscErrorCode(error);
  return (code === undefined ? undefined : PCSC_ERRORS.get(code)) ?? DEFAULT_ENTRY;
}

/** Whether this error means pcscd itself is gone (re-create the context). */
export function isServiceLost(error: unknown): boolean {
  return pcscErrorEntry(error).serviceLost === true;
}

/** "0x80100069 SCARD_W_REMOVED_CARD" — for error details and logs. */
export function describePcscError(error: unknown): string {
  const code = pcscErrorCode(error);
  if (code === undefined) return error instanceof Error ? error.message : String(error);
  return `0x${code.toString(16).padStart(8, '0')} ${pcscErrorEntry(error).name}`;
}

/** A KioskError for a failed PC/SC call; `operation` names the call (e.g. "transmit"). */
export function toKioskError(error: unknown, operation: string): KioskError {
  return new KioskError(pcscErrorEntry(error).code, `${operation}: ${describePcscError(error)}`, {
    cause: error,
  });
}
