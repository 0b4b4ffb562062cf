import { createHash } from 'node:crypto';
import { KioskError } from '../errors';
import { buildCommand, fromHex, parseResponse, pinTriesFromSw, SW, swName, type CommandApdu } from './apdu';
import { derTotalLength, EF, JPKI_AID, MAX_FILE_OFFSET } from './jpki-files';
import type { PinSpec } from './jpki-pins';
import type { CardConnection } from './reader';
import { decodeTokenInfo, TOKEN_INFO_LENGTH } from './token-info';

/**
 * The APDU sequences of the JPKI driver over one CardConnection: each method is one step of jpki-card.md
 * (select, read a file, query or verify a PIN, sign) with its status words mapped to KioskErrors. No locking:
 * JpkiCard runs one sequence at a time.
 */

const SHA256_DIGEST_INFO_PREFIX = fromHex('3031300D060960864801650304020105000420');
const RSA_2048_SIGNATURE_LENGTH = 256;

export function unexpected(operation: string, sw: number): KioskError {
  return new KioskError('CARD_UNREADABLE', `${operation}: ${swName(sw)}`);
}

export class JpkiChannel {
  constructor(
    private readonly connection: CardConnection,
    private readonly timeoutMs: number,
  ) {}

  async send(command: CommandApdu): Promise<{ data: Uint8Array; sw: number }> {
    let response: Uint8Array;
    try {
      response = await this.connection.transmit(buildCommand(command), { timeoutMs: this.timeoutMs });
    } catch (error) {
      // Readers reject with KioskErrors; anything else is a reader bug, reported as unreadable.
      if (error instanceof KioskError) throw error;
      throw new KioskError('CARD_UNREADABLE', 'transmit failed', { cause: error });
    }
    if (response.length < 2) throw new KioskError('CARD_UNREADABLE', `response of ${response.length} bytes`);
    return parseResponse(response);
  }

  async selectJpkiAp(): Promise<void> {
    const { sw } = await this.send({ cla: 0x00, ins: 0xa4, p1: 0x04, p2: 0x0c, data: JPKI_AID });
    if (sw !== SW.OK) throw new KioskError('CARD_UNREADABLE', `not a JPKI card: SELECT AP ${swName(sw)}`);
  }

  /** Whether the signature PIN EF exists (a child under 15 has none). */
  async hasSignatureKey(): Promise<boolean> {
    const { sw } = await this.selectEfRaw(EF.signaturePin);
    if (sw === SW.OK) return true;
    if (sw === SW.FILE_NOT_FOUND) return false;
    throw unexpected('SELECT signature PIN', sw);
  }

  /** The card serial number from the token info EF 0006 (trailing padding removed). */
  async readSerial(): Promise<string> {
    await this.selectEf(EF.tokenInfo, 'token info');
    const { data, sw } = await this.send({ cla: 0x00, ins: 0xb0, p1: 0, p2: 0, le: TOKEN_INFO_LENGTH });
    if (sw !== SW.OK) throw unexpected('READ BINARY token info', sw);
    let serial: string;
    try {
      serial = decodeTokenInfo(data).serial;
    } catch {
      throw new KioskError('CARD_UNREADABLE', `token info of ${data.length} bytes`);
    }
    if (serial === '') throw new KioskError('CARD_UNREADABLE', 'token info has no serial number');
    return serial;
  }

  /** Reads a DER object whose length comes from its own header (files may be padded past it). */
  async readDerFile(ef: number, what: string): Promise<Uint8Array> {
    await this.selectEf(ef, what);
    const head = await this.readBinary(0, 4, what);
    const total = derTotalLength(head);
    if (total === undefined || total > MAX_FILE_OFFSET + 1) {
      throw new KioskError('CARD_UNREADABLE', `${what} is not a DER object`);
    }
    const out = new Uint8Array(total);
    const first = head.subarray(0, Math.min(head.length, total));
    out.set(first, 0);
    let offset = first.length;
    while (offset < total) {
      const chunk = await this.readBinary(offset, Math.min(256, total - offset), what);
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }

  async triesLeft(pin: PinSpec): Promise<number> {
    await this.selectEf(pin.ef, pin.name);
    const { sw } = await this.send({ cla: 0x00, ins: 0x20, p1: 0x00, p2: 0x80 });
    const tries = pinTriesFromSw(sw);
    if (tries !== undefined) return tries;
    if (sw === SW.AUTH_METHOD_BLOCKED) return 0;
    // Some cards answer 90 00 after a successful VERIFY: the counter is full then.
    if (sw === SW.OK) return pin.maxTries;
    throw unexpected(`VERIFY (retry counter) ${pin.name}`, sw);
  }

  /** `value`: the PIN already normalised and format-checked. */
  async verify(pin: PinSpec, value: string): Promise<void> {
    await this.selectEf(pin.ef, pin.name);
    const { sw } = await this.send({
      cla: 0x00,
      ins: 0x20,
      p1: 0x00,
      p2: 0x80,
      data: new TextEncoder().encode(value),
    });
    if (sw === SW.OK) return;
    const tries = pinTriesFromSw(sw);
    if (tries !== undefined && tries > 0) {
      throw new KioskError('PIN_WRONG', `${pin.name} wrong`, { triesLeft: tries });
    }
    if (tries === 0 || sw === SW.AUTH_METHOD_BLOCKED)
      throw new KioskError('PIN_LOCKED', `${pin.name} locked`);
    throw unexpected(`VERIFY ${pin.name}`, sw);
  }

  /** Signs the SHA-256 DigestInfo of the message with the key of `keyEf`. */
  async sign(keyEf: number, message: Uint8Array, what: string): Promise<Uint8Array> {
    const digest = createHash('sha256').update(message).digest();
    const digestInfo = new Uint8Array(SHA256_DIGEST_INFO_PREFIX.length + digest.length);
    digestInfo.set(SHA256_DIGEST_INFO_PREFIX, 0);
    digestInfo.set(digest, SHA256_DIGEST_INFO_PREFIX.length);
    await this.selectEf(keyEf, what);
    const { data, sw } = await this.send({
      cla: 0x80,
      ins: 0x2a,
      p1: 0x00,
      p2: 0x80,
      data: digestInfo,
      le: 256,
    });
    if (sw !== SW.OK) throw unexpected(`SIGN with ${what}`, sw);
    if (data.length !== RSA_2048_SIGNATURE_LENGTH) {
      throw new KioskError('CARD_UNREADABLE', `SIGN with ${what}: ${data.length}-byte signature`);
    }
    return data;
  }

  private selectEfRaw(ef: number): Promise<{ sw: number }> {
    return this.send({ cla: 0x00, ins: 0xa4, p1: 0x02, p2: 0x0c, data: Uint8Array.of(ef >> 8, ef & 0xff) });
  }

  private async selectEf(ef: number, what: string): Promise<void> {
    const { sw } = await this.selectEfRaw(ef);
    if (sw !== SW.OK) throw unexpected(`SELECT ${what}`, sw);
  }

  private async readBinary(offset: number, length: number, what: string): Promise<Uint8Array> {
    const { data, sw } = await this.send({
      cla: 0x00,
      ins: 0xb0,
      p1: offset >> 8,
      p2: offset & 0xff,
      le: length,
    });
    if (sw !== SW.OK) throw unexpected(`READ BINARY ${what} at ${offset}`, sw);
    // An empty answer would loop forever; more than asked is a broken card.
    if (data.length === 0 || data.length > length) {
      throw new KioskError('CARD_UNREADABLE', `READ BINARY ${what} at ${offset}: ${data.length} bytes`);
    }
    return data;
  }
}
