import { describe, expect, it } from 'vitest';
import { isValidSignaturePin, isValidUserAuthPin, normalizeSignaturePin } from './pin-format';

describe('PIN format rules', () => {
  it('user-authentication PIN: exactly 4 ASCII digits', () => {
    expect(isValidUserAuthPin('0123')).toBe(true);
    for (const bad of ['', '123', '12345', 'abcd', '１２３４', '12 4', '123\n']) {
      expect(isValidUserAuthPin(bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it('signature PIN: 6–16 of A–Z0–9 with a letter and a digit', () => {
    for (const good of ['ABC123', 'A1B2C3D4E5F6G7H8', '1AAAAA'])
      expect(isValidSignaturePin(good), good).toBe(true);
    for (const bad of [
      'ABC12',
      'A1B2C3D4E5F6G7H8I',
      'ABCDEF',
      '123456',
      'abc123',
      'ABC 123',
      'ＡＢＣ１２３',
    ]) {
      expect(isValidSignaturePin(bad), bad).toBe(false);
    }
  });

  it('upper-cases ASCII letters only', () => {
    expect(normalizeSignaturePin('abc123')).toBe('ABC123');
    // 'ß'.toUpperCase() is 'SS': that must not turn a non-ASCII PIN into a valid one.
    expect(isValidSignaturePin(normalizeSignaturePin('abcß12'))).toBe(false);
  });
});
