import { describe, expect, it } from 'vitest';
import { KioskError } from '../errors';
import { describePcscError, isServiceLost, pcscErrorCode, PCSC_ERRORS, toKioskError } from './pcsc-errors';

// Messages exactly as node-pcsclite 1.0.1 words them (see its common.h).
const removed = new Error('SCardTransmit error: Card was removed.(0x80100069)');
const transport = new Error('SCardGetStatusChange error: RPC transport error.(0x80100013)');
const noService = new Error('SCardEstablishContext error: Service not available.(0x8010001d)');

describe('PC/SC error mapping', () => {
  it('parses the code out of the message text', () => {
    expect(pcscErrorCode(removed)).toBe(0x80100069);
    expect(pcscErrorCode(noService)).toBe(0x8010001d);
    expect(pcscErrorCode(new Error('Card Reader not connected'))).toBeUndefined();
    expect(pcscErrorCode(undefined)).toBeUndefined();
  });

  it.each([
    [0x80100069, 'CARD_REMOVED'],
    [0x80100068, 'CARD_REMOVED'],
    [0x8010000c, 'CARD_REMOVED'],
    [0x8010001d, 'READER_UNAVAILABLE'],
    [0x80100013, 'READER_UNAVAILABLE'],
    [0x8010000a, 'CARD_TIMEOUT'],
    [0x80100066, 'CARD_UNREADABLE'],
  ])('maps 0x%s to %s', (code, expected) => {
    const error = new Error(`SCardX error: whatever.(0x${code.toString(16)})`);
    const mapped = toKioskError(error, 'transmit');
    expect(mapped).toBeInstanceOf(KioskError);
    expect(mapped.code).toBe(expected);
    expect(mapped.cause).toBe(error);
  });

  it('maps unknown codes and code-less errors to CARD_UNREADABLE', () => {
    expect(toKioskError(new Error('x.(0x80100099)'), 'transmit').code).toBe('CARD_UNREADABLE');
    expect(toKioskError(new Error('Card Reader not connected'), 'transmit').code).toBe('CARD_UNREADABLE');
  });

  it('flags the daemon going away (context must be re-created)', () => {
    expect(isServiceLost(transport)).toBe(true);
    expect(isServiceLost(noService)).toBe(true);
    expect(isServiceLost(removed)).toBe(false);
    expect([...PCSC_ERRORS.values()].filter((entry) => entry.serviceLost).map((entry) => entry.name)).toEqual(
      ['SCARD_E_NO_SERVICE', 'SCARD_E_SERVICE_STOPPED', 'SCARD_F_COMM_ERROR'],
    );
  });

  it('names the code in details', () => {
    expect(describePcscError(removed)).toBe('0x80100069 SCARD_W_REMOVED_CARD');
    expect(toKioskError(removed, 'transmit').message).toBe(
      'CARD_REMOVED: transmit: 0x80100069 SCARD_W_REMOVED_CARD',
    );
  });
});
