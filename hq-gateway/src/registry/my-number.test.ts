import { describe, expect, it } from 'vitest';
import { isValidMyNumber, myNumberCheckDigit, withMyNumberCheckDigit } from './my-number';
import { DEMO_RESIDENTS } from './demo-municipality';

describe('個人番号 check digit', () => {
  it.each([
    // 123456789018 is the example number widely used in test data; the others worked by hand.
    ['12345678901', 8],
    ['00000000000', 0],
    ['00000000010', 8],
    ['10000000000', 5],
  ])('%s → %i', (body, digit) => {
    expect(myNumberCheckDigit(body)).toBe(digit);
  });

  it('accepts a number with its check digit and refuses any other last digit or shape', () => {
    const valid = withMyNumberCheckDigit('12345678901');
    expect(isValidMyNumber(valid)).toBe(true);
    for (let d = 0; d <= 9; d++) {
      if (String(d) !== valid[11]) expect(isValidMyNumber(`${valid.slice(0, 11)}${d}`)).toBe(false);
    }
    expect(isValidMyNumber('1234567890')).toBe(false);
    expect(() => myNumberCheckDigit('1234567890A')).toThrow();
  });

  it('gives every demo resident a valid, distinct number', () => {
    const numbers = DEMO_RESIDENTS.map((r) => r.myNumber);
    for (const n of numbers) expect(n !== null && isValidMyNumber(n)).toBe(true);
    expect(new Set(numbers).size).toBe(numbers.length);
  });
});
