import { describe, expect, it } from 'vitest';
import {
  buildCommand,
  buildResponse,
  fromHex,
  parseCommand,
  parseResponse,
  pinTriesFromSw,
  pinWrongSw,
  swHex,
  swName,
  toHex,
} from './apdu';

describe('buildCommand', () => {
  it('encodes the four short cases', () => {
    expect(toHex(buildCommand({ cla: 0, ins: 0x20, p1: 0, p2: 0x80 }))).toBe('00200080');
    expect(toHex(buildCommand({ cla: 0, ins: 0xb0, p1: 1, p2: 2, le: 4 }))).toBe('00B0010204');
    expect(toHex(buildCommand({ cla: 0, ins: 0xa4, p1: 2, p2: 0x0c, data: fromHex('000A') }))).toBe(
      '00A4020C02000A',
    );
    expect(
      toHex(buildCommand({ cla: 0x80, ins: 0x2a, p1: 0, p2: 0x80, data: Uint8Array.of(1, 2), le: 256 })),
    ).toBe('802A0080020102' + '00');
  });

  it('encodes Le 256 as 00', () => {
    expect(toHex(buildCommand({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 256 }))).toBe('00B0000000');
  });

  it('refuses what a short APDU cannot carry', () => {
    expect(() => buildCommand({ cla: 0, ins: 0, p1: 0, p2: 0, data: new Uint8Array(256) })).toThrow(
      RangeError,
    );
    expect(() => buildCommand({ cla: 0, ins: 0, p1: 0, p2: 0, le: 0 })).toThrow(RangeError);
    expect(() => buildCommand({ cla: 0, ins: 0, p1: 0, p2: 0, le: 257 })).toThrow(RangeError);
    expect(() => buildCommand({ cla: 0x100, ins: 0, p1: 0, p2: 0 })).toThrow(RangeError);
    expect(() => buildCommand({ cla: 0, ins: 0, p1: -1, p2: 0 })).toThrow(RangeError);
  });
});

describe('parseCommand', () => {
  it('decodes the four short cases', () => {
    expect(parseCommand(fromHex('00200080'))).toEqual({
      cla: 0,
      ins: 0x20,
      p1: 0,
      p2: 0x80,
      data: new Uint8Array(0),
      le: undefined,
    });
    expect(parseCommand(fromHex('00B0000000'))?.le).toBe(256);
    expect(parseCommand(fromHex('00B0000010'))?.le).toBe(16);
    const case3 = parseCommand(fromHex('00A4020C02000A'));
    expect(toHex(case3?.data ?? new Uint8Array(0))).toBe('000A');
    expect(case3?.le).toBeUndefined();
    const case4 = parseCommand(fromHex('802A008002010200'));
    expect(toHex(case4?.data ?? new Uint8Array(0))).toBe('0102');
    expect(case4?.le).toBe(256);
  });

  it('returns undefined for malformed bytes', () => {
    for (const bad of ['', '00', '00A404', '00A4040C0AD392', '00A4020C02000A0000', '00B00000000100']) {
      expect(parseCommand(fromHex(bad)), bad).toBeUndefined();
    }
  });

  it('round-trips buildCommand', () => {
    const command = { cla: 0x80, ins: 0x2a, p1: 0, p2: 0x80, data: new Uint8Array(245).fill(7), le: 256 };
    const parsed = parseCommand(buildCommand(command));
    expect(parsed).toEqual({ ...command, data: new Uint8Array(245).fill(7) });
  });
});

describe('responses and status words', () => {
  it('splits data and SW', () => {
    const { data, sw } = parseResponse(fromHex('0102039000'));
    expect(toHex(data)).toBe('010203');
    expect(sw).toBe(0x9000);
    expect(toHex(buildResponse(0x6a82))).toBe('6A82');
    expect(toHex(buildResponse(0x9000, Uint8Array.of(0xaa)))).toBe('AA9000');
  });

  it('refuses a response shorter than 2 bytes', () => {
    expect(() => parseResponse(Uint8Array.of(0x90))).toThrow(RangeError);
  });

  it('names status words', () => {
    expect(swName(0x6a82)).toBe('6A82 file or application not found');
    expect(swName(0x63c2)).toBe('63C2 wrong PIN, 2 tries left');
    expect(swName(0x6581)).toBe('6581 memory failure');
    expect(swName(0x1234)).toBe('1234 unknown status');
    expect(swHex(0x9000)).toBe('9000');
  });

  it('maps 63 Cx to tries and back', () => {
    expect(pinTriesFromSw(0x63c0)).toBe(0);
    expect(pinTriesFromSw(0x63c5)).toBe(5);
    expect(pinTriesFromSw(0x6984)).toBeUndefined();
    expect(pinTriesFromSw(0x6300)).toBeUndefined();
    expect(pinWrongSw(2)).toBe(0x63c2);
  });
});

describe('hex', () => {
  it('round-trips and accepts separators', () => {
    expect(toHex(fromHex('3B E0 00:FF'))).toBe('3BE000FF');
    expect(toHex(Uint8Array.of(0, 0xab), ' ')).toBe('00 AB');
  });

  it('refuses non-hex', () => {
    expect(() => fromHex('ABC')).toThrow(SyntaxError);
    expect(() => fromHex('zz')).toThrow(SyntaxError);
  });
});
