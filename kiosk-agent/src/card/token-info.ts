/**
 * Layout of the JPKI token-info EF 0006: a PKCS#11 CK_TOKEN_INFO, big-endian, with 4-byte CK_ULONGs, 160 bytes.
 * The emulator encodes it; the driver reads the serial number from it.
 */

export const TOKEN_INFO_LENGTH = 160;
export const JPKI_TOKEN_LABEL = 'JPKIAPICCTOKEN2';

// Offsets of the fixed-width text fields (space-padded, not NUL-terminated, as PKCS#11 requires).
const LABEL = { offset: 0, length: 32 };
const MANUFACTURER = { offset: 32, length: 32 };
const MODEL = { offset: 64, length: 16 };
const SERIAL = { offset: 80, length: 16 };
const ULONGS_OFFSET = 96; // 11 CK_ULONGs: flags … ulFreePrivateMemory
const VERSIONS_OFFSET = 140; // hardwareVersion, firmwareVersion (2 bytes each)
const UTC_TIME = { offset: 144, length: 16 };

const CKF_RNG = 0x1;
const CKF_LOGIN_REQUIRED = 0x4;
const CKF_USER_PIN_INITIALIZED = 0x8;
const CKF_TOKEN_INITIALIZED = 0x400;
const CK_UNAVAILABLE_INFORMATION = 0xffffffff;

function putText(out: Uint8Array, field: { offset: number; length: number }, text: string): void {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length > field.length) throw new RangeError(`token info text longer than ${field.length} bytes`);
  out.fill(0x20, field.offset, field.offset + field.length);
  out.set(bytes, field.offset);
}

function getText(bytes: Uint8Array, field: { offset: number; length: number }): string {
  const raw = new TextDecoder().decode(bytes.subarray(field.offset, field.offset + field.length));
  return raw.replace(/[\s\0]+$/, '');
}

/** Builds EF 0006 for a card with the given serial number (ASCII, ≤ 16 characters). */
export function encodeTokenInfo(serial: string): Uint8Array {
  const out = new Uint8Array(TOKEN_INFO_LENGTH);
  putText(out, LABEL, JPKI_TOKEN_LABEL);
  putText(out, MANUFACTURER, 'JPKI TEST EMULATOR');
  putText(out, MODEL, 'JPKI-EMU');
  putText(out, SERIAL, serial);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const ulongs = [
    CKF_RNG | CKF_LOGIN_REQUIRED | CKF_USER_PIN_INITIALIZED | CKF_TOKEN_INITIALIZED, // flags
    0, // ulMaxSessionCount: CK_EFFECTIVELY_INFINITE
    CK_UNAVAILABLE_INFORMATION, // ulSessionCount
    0, // ulMaxRwSessionCount
    CK_UNAVAILABLE_INFORMATION, // ulRwSessionCount
    16, // ulMaxPinLen (signature PIN)
    4, // ulMinPinLen (user-authentication PIN)
    CK_UNAVAILABLE_INFORMATION, // ulTotalPublicMemory
    CK_UNAVAILABLE_INFORMATION, // ulFreePublicMemory
    CK_UNAVAILABLE_INFORMATION, // ulTotalPrivateMemory
    CK_UNAVAILABLE_INFORMATION, // ulFreePrivateMemory
  ];
  ulongs.forEach((value, i) => view.setUint32(ULONGS_OFFSET + 4 * i, value, false));
  out.set([1, 0, 1, 0], VERSIONS_OFFSET); // hardware 1.0, firmware 1.0
  // No clock on the token (CKF_CLOCK_ON_TOKEN unset): utcTime stays blank.
  putText(out, UTC_TIME, '');
  return out;
}

/** Reads label and serial number; throws RangeError when the bytes are too short to be a token info. */
export function decodeTokenInfo(bytes: Uint8Array): { label: string; serial: string } {
  if (bytes.length < SERIAL.offset + SERIAL.length) throw new RangeError('token info too short');
  return { label: getText(bytes, LABEL), serial: getText(bytes, SERIAL) };
}
