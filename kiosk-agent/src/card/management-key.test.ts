import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from './apdu';
import { computePinResetToken, deriveCardManagementKey } from './management-key';

// Known answers computed outside this code base (Python's hmac module) from the formulas of jpki-card.md.
const MASTER = Uint8Array.from({ length: 32 }, (_, i) => i);
const SERIAL = 'JPKI0000TEST42';
const K_CARD = '4438F49832E91A837062EF8459C5FE97EDDA300274B64F45A41A28DC206A5A08';
const NONCE = fromHex('0102030405060708');

describe('card-management key', () => {
  it('K_card = HMAC-SHA256(master key, ASCII serial)', () => {
    expect(toHex(deriveCardManagementKey(MASTER, SERIAL))).toBe(K_CARD);
    expect(toHex(deriveCardManagementKey(MASTER, 'JPKI0000TEST43'))).not.toBe(K_CARD);
    expect(
      toHex(
        deriveCardManagementKey(
          MASTER.map((b) => b ^ 1),
          SERIAL,
        ),
      ),
    ).not.toBe(K_CARD);
  });

  it('the token is the first 16 bytes of HMAC-SHA256(K_card, "JPKI-PIN-RESET" ‖ EF id ‖ nonce)', () => {
    const key = fromHex(K_CARD);
    expect(toHex(computePinResetToken(key, 'userAuth', NONCE))).toBe('9573627C15E123D271D6E80B816E6BAE');
    expect(toHex(computePinResetToken(key, 'signature', NONCE))).toBe('581F0CC7DC57E025352378162B9B405A');
    const spelledOut = createHmac('sha256', key)
      .update(Buffer.concat([Buffer.from('JPKI-PIN-RESET', 'ascii'), Buffer.from([0x00, 0x18]), NONCE]))
      .digest()
      .subarray(0, 16);
    expect(toHex(computePinResetToken(key, 'userAuth', NONCE))).toBe(toHex(spelledOut));
  });

  it('refuses inputs that are programming errors', () => {
    expect(() => deriveCardManagementKey(new Uint8Array(0), SERIAL)).toThrow(RangeError);
    expect(() => deriveCardManagementKey(MASTER, '')).toThrow(RangeError);
    expect(() => deriveCardManagementKey(MASTER, 'ＡＢＣ')).toThrow(RangeError);
    expect(() => deriveCardManagementKey(MASTER, 'A'.repeat(17))).toThrow(RangeError);
    expect(() => computePinResetToken(new Uint8Array(16), 'userAuth', NONCE)).toThrow(RangeError);
    expect(() => computePinResetToken(fromHex(K_CARD), 'userAuth', new Uint8Array(7))).toThrow(RangeError);
  });
});
