import { createHmac } from 'node:crypto';

/**
 * The card-management key of the kiosk PIN reset (jpki-card.md, "PIN reset at the kiosk"), shared by the card
 * emulator (which checks tokens) and by whoever computes them (HQ, and tests on both sides):
 *
 *   K_card = HMAC-SHA256(master key, ASCII card serial from EF 0006)
 *   token  = first 16 bytes of HMAC-SHA256(K_card, ASCII "JPKI-PIN-RESET" ‖ PIN EF id (2 bytes) ‖ card nonce)
 */

/** The PIN a reset is for: EF 0018 (user authentication) or EF 001B (signature). */
export type ResettablePin = 'userAuth' | 'signature';

export const CARD_MANAGEMENT_KEY_LENGTH = 32;
export const PIN_RESET_TOKEN_LENGTH = 16;
/** The length of the GET CHALLENGE nonce a token is bound to. */
export const PIN_RESET_NONCE_LENGTH = 8;

const PIN_RESET_LABEL = new TextEncoder().encode('JPKI-PIN-RESET');
const PIN_EF_ID: Record<ResettablePin, Uint8Array> = {
  userAuth: Uint8Array.of(0x00, 0x18),
  signature: Uint8Array.of(0x00, 0x1b),
};

/**
 * K_card = HMAC-SHA256(masterKey, serial as ASCII). The serial is the one in the token info EF 0006 without its
 * padding (1–16 printable ASCII characters; anything else is a programming error: RangeError).
 */
export function deriveCardManagementKey(masterKey: Uint8Array, serial: string): Uint8Array {
  if (masterKey.length === 0) throw new RangeError('card-management master key is empty');
  if (!/^[\x21-\x7e]{1,16}$/.test(serial)) throw new RangeError('card serial must be 1–16 printable ASCII');
  return new Uint8Array(createHmac('sha256', masterKey).update(serial, 'ascii').digest());
}

/** The 16-byte EXTERNAL AUTHENTICATE token that opens one reset of `pin` on the card that issued `nonce`. */
export function computePinResetToken(cardKey: Uint8Array, pin: ResettablePin, nonce: Uint8Array): Uint8Array {
  if (cardKey.length !== CARD_MANAGEMENT_KEY_LENGTH) {
    throw new RangeError(`card-management key must be ${CARD_MANAGEMENT_KEY_LENGTH} bytes`);
  }
  if (nonce.length !== PIN_RESET_NONCE_LENGTH) {
    throw new RangeError(`card nonce must be ${PIN_RESET_NONCE_LENGTH} bytes`);
  }
  const efId = PIN_EF_ID[pin];
  if (efId === undefined) throw new RangeError('unknown PIN');
  const mac = createHmac('sha256', cardKey).update(PIN_RESET_LABEL).update(efId).update(nonce).digest();
  return new Uint8Array(mac.subarray(0, PIN_RESET_TOKEN_LENGTH));
}
