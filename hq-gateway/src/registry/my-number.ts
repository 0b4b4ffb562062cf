/**
 * 個人番号 check digit (行政手続における特定の個人を識別するための番号の利用等に関する法律施行令 第8条):
 * with P(n) the n-th of the first 11 digits counted from the right and Q(n) = n + 1 for n ≤ 6, n − 5
 * otherwise, r = Σ P(n)·Q(n) mod 11; the check digit is 0 when r ≤ 1, else 11 − r.
 */
export function myNumberCheckDigit(first11: string): number {
  if (!/^[0-9]{11}$/.test(first11)) throw new Error('a My Number body is 11 digits');
  let sum = 0;
  for (let n = 1; n <= 11; n++) {
    const p = Number(first11[11 - n]);
    const q = n <= 6 ? n + 1 : n - 5;
    sum += p * q;
  }
  const r = sum % 11;
  return r <= 1 ? 0 : 11 - r;
}

/** The 12-digit number for an 11-digit body. */
export function withMyNumberCheckDigit(first11: string): string {
  return `${first11}${myNumberCheckDigit(first11)}`;
}

export function isValidMyNumber(value: string): boolean {
  return /^[0-9]{12}$/.test(value) && myNumberCheckDigit(value.slice(0, 11)) === Number(value[11]);
}
