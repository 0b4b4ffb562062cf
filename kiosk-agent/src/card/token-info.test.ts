import { describe, expect, it } from 'vitest';
import { decodeTokenInfo, encodeTokenInfo, TOKEN_INFO_LENGTH } from './token-info';

describe('token info (EF 0006)', () => {
  it('is a 160-byte big-endian CK_TOKEN_INFO with label and serial at their PKCS#11 offsets', () => {
    const bytes = encodeTokenInfo('AB12');
    expect(bytes.length).toBe(TOKEN_INFO_LENGTH);
    const text = (from: number, to: number) => Buffer.from(bytes.subarray(from, to)).toString('latin1');
    expect(text(0, 32)).toBe('JPKIAPICCTOKEN2'.padEnd(32, ' '));
    expect(text(80, 96)).toBe('AB12'.padEnd(16, ' '));
    expect(text(144, 160)).toBe(' '.repeat(16));
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    expect(view.getUint32(96, false)).toBe(0x40d); // flags: RNG, login required, PIN initialised, token initialised
    expect(view.getUint32(96 + 5 * 4, false)).toBe(16); // ulMaxPinLen
    expect(view.getUint32(96 + 6 * 4, false)).toBe(4); // ulMinPinLen
    expect(decodeTokenInfo(bytes)).toEqual({ label: 'JPKIAPICCTOKEN2', serial: 'AB12' });
  });

  it('refuses a serial longer than the field and bytes too short to decode', () => {
    expect(() => encodeTokenInfo('X'.repeat(17))).toThrow(RangeError);
    expect(() => decodeTokenInfo(new Uint8Array(95))).toThrow(RangeError);
  });
});
