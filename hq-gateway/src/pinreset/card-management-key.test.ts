import { describe, expect, it } from 'vitest';
import {
  diversifyCardKey,
  generateCardManagementKeyText,
  parseCardManagementKey,
  PIN_EF,
  pinResetToken,
} from './card-management-key';

// Known-answer vector, computed outside this code (Python hmac): master key 00 01 … 1F, serial
// DEMO0000000001, card nonce 01 02 … 08. The card emulator can check its EXTERNAL AUTHENTICATE against it.
const MASTER = Uint8Array.from({ length: 32 }, (_, i) => i);
const SERIAL = 'DEMO0000000001';
const NONCE = Buffer.from('0102030405060708', 'hex');
const K_CARD = 'ade6bad68cf4ea6acb42bc7135f8bc59575b3338094ca4498bc06e0d2be1cd85';

describe('card-management key', () => {
  it('diversifies K_card = HMAC-SHA256(master, serial)', () => {
    expect(diversifyCardKey(MASTER, SERIAL).toString('hex')).toBe(K_CARD);
    expect(diversifyCardKey(MASTER, 'DEMO0000000002').toString('hex')).not.toBe(K_CARD);
  });

  it('makes the 16-byte token over "JPKI-PIN-RESET" ‖ PIN EF ‖ nonce', () => {
    const cardKey = Buffer.from(K_CARD, 'hex');
    expect(pinResetToken(cardKey, 'userAuth', NONCE).toString('hex')).toBe(
      '7d0b4fa44ebc15e37654ebae872cf33f',
    );
    expect(pinResetToken(cardKey, 'signature', NONCE).toString('hex')).toBe(
      '8f45f5450d693ab2a0be9a06c40d823f',
    );
    expect(PIN_EF).toEqual({ userAuth: 0x0018, signature: 0x001b });
  });

  it('reads and writes the key file as base64 of 32 bytes', () => {
    const text = generateCardManagementKeyText();
    expect(text).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
    expect(parseCardManagementKey(text)).toHaveLength(32);
    expect(parseCardManagementKey(generateCardManagementKeyText())).not.toEqual(parseCardManagementKey(text));
    for (const bad of [
      '',
      'not base64!',
      Buffer.alloc(16).toString('base64'),
      Buffer.alloc(33).toString('base64'),
    ]) {
      expect(() => parseCardManagementKey(bad), bad).toThrow(/32 bytes/);
    }
  });

  it('refuses a master key of the wrong size and a serial EF 0006 cannot hold', () => {
    expect(() => diversifyCardKey(new Uint8Array(16), SERIAL)).toThrow();
    expect(() => diversifyCardKey(MASTER, 'demo-1')).toThrow();
    expect(() => diversifyCardKey(MASTER, 'A'.repeat(17))).toThrow();
  });
});
