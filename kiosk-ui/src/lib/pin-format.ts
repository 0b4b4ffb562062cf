import { SignaturePin, StaffCode, UserAuthPin, type PinKind } from 'kiosk-agent/protocol/index';
import type { Messages } from '../i18n/messages';

/** The 4-digit user-authentication PIN. */
export const USER_AUTH_LENGTH = 4;
/** The signature PIN: 6–16 of A–Z and 0–9. */
export const SIGNATURE_MIN = 6;
export const SIGNATURE_MAX = 16;
/** Staff codes: 6–8 digits. */
export const STAFF_CODE_MAX = 8;

/** The longest entry of a PIN kind (the keypad stops there). */
export function maxLength(kind: PinKind): number {
  return kind === 'userAuth' ? USER_AUTH_LENGTH : SIGNATURE_MAX;
}

/** The protocol's own schemas decide (so the UI never enables a submit the agent would refuse). */
export function isValidPin(kind: PinKind, pin: string): boolean {
  return (kind === 'userAuth' ? UserAuthPin : SignaturePin).safeParse(pin).success;
}

export function isValidStaffCode(code: string): boolean {
  return StaffCode.safeParse(code).success;
}

export interface PinRule {
  id: string;
  met: boolean;
  text: string;
}

/** The format rules of a PIN kind and whether `pin` meets each yet (for live hints while typing). */
export function pinRules(kind: PinKind, pin: string, m: Messages): PinRule[] {
  if (kind === 'userAuth') {
    return [{ id: 'digits4', met: /^[0-9]{4}$/.test(pin), text: m.rules.digits4(pin.length) }];
  }
  return [
    {
      id: 'length',
      met: pin.length >= SIGNATURE_MIN && pin.length <= SIGNATURE_MAX,
      text: m.rules.length(pin.length),
    },
    { id: 'letter', met: /[A-Z]/.test(pin), text: m.rules.letter },
    { id: 'digit', met: /[0-9]/.test(pin), text: m.rules.digit },
  ];
}
