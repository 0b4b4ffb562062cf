import { randomBytes, timingSafeEqual } from 'node:crypto';
import { SW, type ParsedCommand } from '../apdu';
import { computePinResetToken, PIN_RESET_NONCE_LENGTH, PIN_RESET_TOKEN_LENGTH } from '../management-key';
import { status, type CardState, type PinId, type Result } from './card-state';
import { replacePin } from './pin-commands';

/**
 * PIN reset at the kiosk: GET CHALLENGE → EXTERNAL AUTHENTICATE → RESET RETRY COUNTER (the rules are in the
 * comment on VirtualJpkiCard).
 */

/** P2 of EXTERNAL AUTHENTICATE / RESET RETRY COUNTER: 80 | short id of the PIN EF. */
const PIN_REFERENCES: ReadonlyMap<number, { pin: PinId; ef: string }> = new Map([
  [0x98, { pin: 'userAuth', ef: '0018' }],
  [0x9b, { pin: 'signature', ef: '001B' }],
]);

export function getChallenge(c: ParsedCommand, state: CardState): Result {
  if (c.p1 !== 0x00 || c.p2 !== 0x00) return status(SW.WRONG_P1P2);
  if (c.data.length > 0 || c.le === undefined) return status(SW.WRONG_LENGTH);
  const challenge = new Uint8Array(randomBytes(c.le));
  state.nonce = challenge.length === PIN_RESET_NONCE_LENGTH ? challenge.slice() : undefined;
  return { sw: SW.OK, data: challenge };
}

/** The PIN EF that P2 (80 | short id) names, if it exists in the selected AP; else the status word. */
function pinReference(state: CardState, p2: number): { pin: PinId } | { sw: number } {
  const reference = PIN_REFERENCES.get(p2);
  if (reference === undefined) return { sw: SW.WRONG_P1P2 };
  if (state.application !== 'jpki' || !state.files.has(reference.ef)) return { sw: SW.FILE_NOT_FOUND };
  return { pin: reference.pin };
}

/** Checks the token against the last nonce (using the nonce up) and opens a reset for the next command. */
export function externalAuthenticate(c: ParsedCommand, state: CardState, managementKey: Uint8Array): Result {
  if (c.p1 !== 0x00) return status(SW.WRONG_P1P2);
  if (!PIN_REFERENCES.has(c.p2)) return status(SW.WRONG_P1P2);
  if (c.data.length !== PIN_RESET_TOKEN_LENGTH || c.le !== undefined) return status(SW.WRONG_LENGTH);
  const reference = pinReference(state, c.p2);
  if ('sw' in reference) return status(reference.sw);
  // Single use: this attempt spends the nonce, whether the token is right or not.
  const nonce = state.nonce;
  state.nonce = undefined;
  if (nonce === undefined) return status(SW.SECURITY_NOT_SATISFIED);
  const expected = computePinResetToken(managementKey, reference.pin, nonce);
  if (!timingSafeEqual(expected, c.data)) return status(SW.SECURITY_NOT_SATISFIED);
  state.openReset = reference.pin;
  return status(SW.OK);
}

/** `openReset`: the reset the command right before opened (already closed on the card). */
export function resetRetryCounter(c: ParsedCommand, state: CardState, openReset: PinId | undefined): Result {
  if (c.p1 !== 0x02) return status(SW.WRONG_P1P2);
  if (!PIN_REFERENCES.has(c.p2)) return status(SW.WRONG_P1P2);
  if (c.data.length === 0 || c.le !== undefined) return status(SW.WRONG_LENGTH);
  const reference = pinReference(state, c.p2);
  if ('sw' in reference) return status(reference.sw);
  if (openReset !== reference.pin) return status(SW.SECURITY_NOT_SATISFIED);
  // A reset never leaves the PIN verified: the holder proves the new PIN with VERIFY.
  state.verified.delete(reference.pin);
  return replacePin(state, reference.pin, c.data);
}
