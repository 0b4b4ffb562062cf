import { createHmac, randomBytes } from 'node:crypto';
import type { PinKind } from '../api/schemas';

/**
 * The card-management key (jpki-card.md "PIN reset at the kiosk"). HQ alone holds the 32-byte master key;
 * each card holds only its diversified key K_card = HMAC-SHA256(master key, card serial as ASCII) and checks
 * EXTERNAL AUTHENTICATE tokens with it. So a kiosk can never reset a PIN by itself, and one card's key says
 * nothing about another's.
 */

export const CARD_MANAGEMENT_KEY_BYTES = 32;
export const PIN_RESET_TOKEN_BYTES = 16;
/** The card's GET CHALLENGE answer the kiosk asks for (`00 84 00 00 08`). */
export const CARD_NONCE_BYTES = 8;

/** The PIN EF a token opens a reset of: 0018 (user-authentication PIN), 001B (signature PIN). */
export const PIN_EF: Readonly<Record<PinKind, number>> = { userAuth: 0x0018, signature: 0x001b };

const TOKEN_LABEL = Buffer.from('JPKI-PIN-RESET', 'ascii');
const CARD_SERIAL = /^[A-Z0-9]{1,16}$/;

/** A new master key as the key file holds it: base64 of 32 random bytes, one line. */
export function generateCardManagementKeyText(): string {
  return `${randomBytes(CARD_MANAGEMENT_KEY_BYTES).toString('base64')}\n`;
}

/** Reads the key file's text. Throws unless it is base64 of exactly 32 bytes. */
export function parseCardManagementKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || key.length !== CARD_MANAGEMENT_KEY_BYTES) {
    throw new Error(`card-management key must be base64 of ${CARD_MANAGEMENT_KEY_BYTES} bytes`);
  }
  return key;
}

/** K_card = HMAC-SHA256(master key, card serial as ASCII): 32 bytes. */
export function diversifyCardKey(masterKey: Uint8Array, cardSerial: string): Buffer {
  if (masterKey.length !== CARD_MANAGEMENT_KEY_BYTES) throw new Error('master key must be 32 bytes');
  if (!CARD_SERIAL.test(cardSerial)) throw new Error('card serial must be 1–16 of A–Z0–9');
  return createHmac('sha256', masterKey).update(Buffer.from(cardSerial, 'ascii')).digest();
}

/** token = first 16 bytes of HMAC-SHA256(K_card, "JPKI-PIN-RESET" ‖ PIN EF id (2 bytes) ‖ card nonce). */
export function pinResetToken(cardKey: Uint8Array, pin: PinKind, cardNonce: Uint8Array): Buffer {
  const ef = PIN_EF[pin];
  return createHmac('sha256', cardKey)
    .update(TOKEN_LABEL)
    .update(Uint8Array.of(ef >> 8, ef & 0xff))
    .update(cardNonce)
    .digest()
    .subarray(0, PIN_RESET_TOKEN_BYTES);
}
