import { timingSafeEqual } from 'node:crypto';
import { pinWrongSw, SW, type ParsedCommand } from '../apdu';
import { isValidSignaturePin, isValidUserAuthPin } from '../pin-format';
import { currentFile } from './card-files';
import { status, type CardState, type PinId, type Result } from './card-state';
import { SIGNATURE_MAX_TRIES, USER_AUTH_MAX_TRIES } from './profile';

/** VERIFY and CHANGE REFERENCE DATA (CHANGE PIN) on the current PIN EF, and the PIN replacement they share. */

const MAX_TRIES: Record<PinId, number> = { userAuth: USER_AUTH_MAX_TRIES, signature: SIGNATURE_MAX_TRIES };
const PIN_FORMAT: Record<PinId, (pin: string) => boolean> = {
  userAuth: isValidUserAuthPin,
  signature: isValidSignaturePin,
};

function pinRecord(state: CardState, pin: PinId): { pin: string; triesLeft: number } {
  const record = state.profile[pin];
  // Unreachable: the EFs of a missing signature pair are not in `files`.
  if (record === null) throw new Error('no signature PIN on this card');
  return record;
}

export function verify(c: ParsedCommand, state: CardState): Result {
  if (c.p1 !== 0x00 || c.p2 !== 0x80) return status(SW.WRONG_P1P2);
  if (c.le !== undefined) return status(SW.WRONG_LENGTH);
  const ef = currentFile(state);
  if (ef === undefined || ef.kind !== 'pin') return status(SW.NO_CURRENT_EF);
  const record = pinRecord(state, ef.pin);
  if (record.triesLeft === 0) return status(SW.AUTH_METHOD_BLOCKED);

  if (c.data.length === 0) {
    // Retry-counter query: spends nothing.
    const answersOk = state.verified.has(ef.pin) && state.profile.options.retryCounterAfterVerify === '9000';
    return status(answersOk ? SW.OK : pinWrongSw(record.triesLeft));
  }

  const expected = new TextEncoder().encode(record.pin);
  const matches = expected.length === c.data.length && timingSafeEqual(expected, c.data);
  if (matches) {
    const max = MAX_TRIES[ef.pin];
    const changed = record.triesLeft !== max;
    record.triesLeft = max;
    state.verified.add(ef.pin);
    return { sw: SW.OK, persist: changed };
  }
  record.triesLeft -= 1;
  state.verified.delete(ef.pin);
  return { sw: pinWrongSw(record.triesLeft), persist: true };
}

export function changePin(c: ParsedCommand, state: CardState): Result {
  if (c.p1 !== 0x01 || c.p2 !== 0x80) return status(SW.WRONG_P1P2);
  if (c.data.length === 0 || c.le !== undefined) return status(SW.WRONG_LENGTH);
  const ef = currentFile(state);
  if (ef === undefined || ef.kind !== 'pin') return status(SW.NO_CURRENT_EF);
  if (!state.verified.has(ef.pin)) return status(SW.SECURITY_NOT_SATISFIED);
  return replacePin(state, ef.pin, c.data);
}

/**
 * The new PIN (format-checked: 6A 80) and a full counter, as a profile to commit: persisted first, adopted
 * only if that worked (see VirtualJpkiCard's process).
 */
export function replacePin(state: CardState, pin: PinId, newPinBytes: Uint8Array): Result {
  // Bytes → string one to one, so that a non-ASCII byte can never pass the ASCII-only format rules.
  const newPin = String.fromCharCode(...newPinBytes);
  if (!PIN_FORMAT[pin](newPin)) return status(SW.WRONG_DATA);
  const next = structuredClone(state.profile);
  const record = next[pin];
  // Unreachable: the EFs of a missing signature pair are not in `files`.
  if (record === null) throw new Error('no signature PIN on this card');
  record.pin = newPin;
  record.triesLeft = MAX_TRIES[pin];
  return { sw: SW.OK, commit: next };
}
