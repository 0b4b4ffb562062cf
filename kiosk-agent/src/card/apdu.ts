/**
 * Short-APDU codec (ISO 7816-4), shared by the driver (builds commands, parses responses) and the card
 * emulator (parses commands, builds responses). Extended APDUs are not needed by JPKI and are not supported.
 */

/** A command APDU before encoding. `le` is the number of expected bytes, 1–256 (256 is encoded as 00). */
export interface CommandApdu {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data?: Uint8Array;
  le?: number;
}

/** A decoded command: `le` is undefined when the command expects no data (ISO cases 1 and 3). */
export interface ParsedCommand {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  /** Empty when the command carries no data (ISO cases 1 and 2). */
  data: Uint8Array;
  le: number | undefined;
}

export interface ResponseApdu {
  data: Uint8Array;
  /** SW1 SW2 as one number, e.g. 0x9000. */
  sw: number;
}

/** Status words this project uses, on both sides of the wire. */
export const SW = {
  OK: 0x9000,
  /** Wrong PIN; the low nibble of SW2 is the number of tries left (63 Cx). */
  PIN_WRONG_BASE: 0x63c0,
  /** The card could not write its memory: nothing changed. */
  MEMORY_FAILURE: 0x6581,
  WRONG_LENGTH: 0x6700,
  /** Command incompatible with the file structure (e.g. READ BINARY on a key EF). */
  INCOMPATIBLE_FILE: 0x6981,
  SECURITY_NOT_SATISFIED: 0x6982,
  AUTH_METHOD_BLOCKED: 0x6984,
  CONDITIONS_NOT_SATISFIED: 0x6985,
  /** Command not allowed: no current EF (or the current EF is of the wrong kind). */
  NO_CURRENT_EF: 0x6986,
  WRONG_DATA: 0x6a80,
  FILE_NOT_FOUND: 0x6a82,
  WRONG_P1P2: 0x6a86,
  WRONG_OFFSET: 0x6b00,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
  /** No precise diagnosis (the card's internal failure). */
  UNKNOWN_ERROR: 0x6f00,
} as const;

const SW_NAMES: ReadonlyMap<number, string> = new Map([
  [SW.OK, 'success'],
  [SW.MEMORY_FAILURE, 'memory failure'],
  [SW.WRONG_LENGTH, 'wrong length'],
  [SW.INCOMPATIBLE_FILE, 'command incompatible with file structure'],
  [SW.SECURITY_NOT_SATISFIED, 'security status not satisfied'],
  [SW.AUTH_METHOD_BLOCKED, 'authentication method blocked'],
  [SW.CONDITIONS_NOT_SATISFIED, 'conditions of use not satisfied'],
  [SW.NO_CURRENT_EF, 'command not allowed (no current EF)'],
  [SW.WRONG_DATA, 'incorrect data'],
  [SW.FILE_NOT_FOUND, 'file or application not found'],
  [SW.WRONG_P1P2, 'incorrect P1/P2'],
  [SW.WRONG_OFFSET, 'wrong offset'],
  [SW.INS_NOT_SUPPORTED, 'instruction not supported'],
  [SW.CLA_NOT_SUPPORTED, 'class not supported'],
  [SW.UNKNOWN_ERROR, 'no precise diagnosis'],
]);

/** `63 Cx` → x; undefined for any other status word. */
export function pinTriesFromSw(sw: number): number | undefined {
  return (sw & 0xfff0) === SW.PIN_WRONG_BASE ? sw & 0x0f : undefined;
}

/** `63 Cx` for x tries left (x is clamped to 0–15, the nibble's range). */
export function pinWrongSw(triesLeft: number): number {
  return SW.PIN_WRONG_BASE | Math.max(0, Math.min(15, triesLeft));
}

/** "6A82" — the form used in logs and error details. */
export function swHex(sw: number): string {
  return sw.toString(16).toUpperCase().padStart(4, '0');
}

/** "6A82 file or application not found"; names `63 Cx` with its tries. */
export function swName(sw: number): string {
  const tries = pinTriesFromSw(sw);
  if (tries !== undefined) return `${swHex(sw)} wrong PIN, ${tries} tries left`;
  const name = SW_NAMES.get(sw);
  return name === undefined ? `${swHex(sw)} unknown status` : `${swHex(sw)} ${name}`;
}

function assertByte(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) throw new RangeError(`${what} must be a byte`);
}

/** Encodes a short command APDU. Throws RangeError on values a short APDU cannot carry (a programming error). */
export function buildCommand(command: CommandApdu): Uint8Array {
  assertByte(command.cla, 'CLA');
  assertByte(command.ins, 'INS');
  assertByte(command.p1, 'P1');
  assertByte(command.p2, 'P2');
  const data = command.data ?? new Uint8Array(0);
  if (data.length > 255) throw new RangeError('short APDU data is at most 255 bytes');
  const le = command.le;
  if (le !== undefined && (!Number.isInteger(le) || le < 1 || le > 256)) {
    throw new RangeError('short APDU Le must be 1–256');
  }
  const out: number[] = [command.cla, command.ins, command.p1, command.p2];
  if (data.length > 0) out.push(data.length, ...data);
  if (le !== undefined) out.push(le === 256 ? 0 : le);
  return Uint8Array.from(out);
}

/**
 * Decodes a short command APDU. Returns undefined when the bytes are no valid short APDU (too short, Lc not
 * matching the length, or an extended APDU): the card answers `67 00` then.
 */
export function parseCommand(apdu: Uint8Array): ParsedCommand | undefined {
  if (apdu.length < 4) return undefined;
  const [cla = 0, ins = 0, p1 = 0, p2 = 0] = apdu;
  const header = { cla, ins, p1, p2 };
  if (apdu.length === 4) return { ...header, data: new Uint8Array(0), le: undefined }; // case 1
  const p3 = apdu[4] ?? 0;
  if (apdu.length === 5) return { ...header, data: new Uint8Array(0), le: p3 === 0 ? 256 : p3 }; // case 2
  // Lc = 00 with a body would be an extended APDU: not supported.
  if (p3 === 0) return undefined;
  const data = apdu.slice(5, 5 + p3);
  if (apdu.length === 5 + p3) return { ...header, data, le: undefined }; // case 3
  if (apdu.length === 6 + p3) {
    const le = apdu[5 + p3] ?? 0;
    return { ...header, data, le: le === 0 ? 256 : le }; // case 4
  }
  return undefined;
}

/** Encodes data ‖ SW1 SW2. */
export function buildResponse(sw: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(data.length + 2);
  out.set(data, 0);
  out[data.length] = (sw >> 8) & 0xff;
  out[data.length + 1] = sw & 0xff;
  return out;
}

/** Splits a response APDU. Throws RangeError when it is shorter than the 2-byte status word. */
export function parseResponse(response: Uint8Array): ResponseApdu {
  if (response.length < 2) throw new RangeError('response APDU shorter than 2 bytes');
  const n = response.length;
  return {
    data: response.slice(0, n - 2),
    sw: ((response[n - 2] ?? 0) << 8) | (response[n - 1] ?? 0),
  };
}

/** "00A4040C" (no separator) or "00 A4 04 0C" with `separator: ' '`. */
export function toHex(bytes: Uint8Array, separator = ''): string {
  return Array.from(bytes, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(separator);
}

/** Parses hex; spaces and colons between bytes are allowed. Throws SyntaxError on anything else. */
export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/[\s:]/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new SyntaxError('not a hex byte string');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}
