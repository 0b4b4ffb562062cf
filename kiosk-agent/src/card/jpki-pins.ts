import { KioskError } from '../errors';
import { EF } from './jpki-files';
import { isValidSignaturePin, isValidUserAuthPin, normalizeSignaturePin } from './pin-format';

/** The two PINs of the JPKI AP as the driver handles them: EF, reset reference, tries, format rules. */

const USER_AUTH_MAX_TRIES = 3;
const SIGNATURE_MAX_TRIES = 5;

export interface PinSpec {
  name: string;
  ef: number;
  /** P2 of EXTERNAL AUTHENTICATE / RESET RETRY COUNTER: 80 | short id of the PIN EF. */
  reference: number;
  maxTries: number;
  /** What the user typed → what the card compares (signature PIN: ASCII letters upper-cased). */
  normalize: (pin: string) => string;
  isValid: (pin: string) => boolean;
  /** The PIN_FORMAT detail: the rule, never the PIN. */
  formatRule: string;
}

export const USER_AUTH_PIN: PinSpec = {
  name: 'user-authentication PIN',
  ef: EF.userAuthPin,
  reference: 0x98,
  maxTries: USER_AUTH_MAX_TRIES,
  normalize: (pin) => pin,
  isValid: isValidUserAuthPin,
  formatRule: 'user-authentication PIN must be 4 digits',
};
export const SIGNATURE_PIN: PinSpec = {
  name: 'signature PIN',
  ef: EF.signaturePin,
  reference: 0x9b,
  maxTries: SIGNATURE_MAX_TRIES,
  normalize: normalizeSignaturePin,
  isValid: isValidSignaturePin,
  formatRule: 'signature PIN must be 6–16 letters and digits with at least one of each',
};
const PINS: Readonly<Record<'userAuth' | 'signature', PinSpec>> = {
  userAuth: USER_AUTH_PIN,
  signature: SIGNATURE_PIN,
};

export function pinSpec(pin: 'userAuth' | 'signature'): PinSpec {
  // Object.hasOwn: a JavaScript caller's 'toString' must not reach the prototype.
  if (!Object.hasOwn(PINS, pin)) throw new RangeError('unknown PIN');
  return PINS[pin];
}

/** The normalised PIN, or PIN_FORMAT (with the rule, never the PIN) when it breaks the format rules. */
export function formatted(spec: PinSpec, pin: string): string {
  const normalized = spec.normalize(pin);
  if (!spec.isValid(normalized)) throw new KioskError('PIN_FORMAT', spec.formatRule);
  return normalized;
}
