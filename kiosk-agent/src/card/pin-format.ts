/**
 * The format rules of the two JPKI PINs (jpki-card.md). The driver checks them before it sends anything (a
 * malformed PIN must never spend a try); the emulator checks a new PIN with the same rules.
 */

/** User-authentication PIN (EF 0018): exactly 4 digits. */
export function isValidUserAuthPin(pin: string): boolean {
  return /^[0-9]{4}$/.test(pin);
}

/**
 * Upper-cases ASCII letters only: the card compares bytes exactly, and String#toUpperCase would turn e.g.
 * "ß" into "SS" and so let a non-ASCII PIN pass the format check.
 */
export function normalizeSignaturePin(pin: string): string {
  return pin.replace(/[a-z]/g, (c) => c.toUpperCase());
}

/** Signature PIN (EF 001B): 6–16 of A–Z0–9 with at least one letter and one digit (already normalised). */
export function isValidSignaturePin(pin: string): boolean {
  return /^[A-Z0-9]{6,16}$/.test(pin) && /[A-Z]/.test(pin) && /[0-9]/.test(pin);
}
