import { createHash } from 'node:crypto';
import { KioskError } from '../errors';
import { buildCommand, fromHex, parseResponse, pinTriesFromSw, SW, swName, type CommandApdu } from './apdu';
import { isValidSignaturePin, isValidUserAuthPin, normalizeSignaturePin } from './pin-format';
import type { CardConnection, CardReader } from './reader';
import { decodeTokenInfo, TOKEN_INFO_LENGTH } from './token-info';

/**
 * The JPKI driver: the command sequences of /work/shared/jpki-card.md over any CardReader. It knows nothing of
 * the emulator. Errors are KioskErrors with stable codes; details carry the operation and the status word,
 * never a PIN or a reset token (the VERIFY / RESET RETRY COUNTER APDUs are never put into an error or a log).
 */

const JPKI_AID = fromHex('D392F000260100000001');
const SHA256_DIGEST_INFO_PREFIX = fromHex('3031300D060960864801650304020105000420');

const EF = {
  userAuthCertificate: 0x000a,
  userAuthCaCertificate: 0x000b,
  userAuthKey: 0x0017,
  userAuthPin: 0x0018,
  signatureCertificate: 0x0001,
  signatureCaCertificate: 0x0002,
  signatureKey: 0x001a,
  signaturePin: 0x001b,
  tokenInfo: 0x0006,
} as const;

const USER_AUTH_MAX_TRIES = 3;
const SIGNATURE_MAX_TRIES = 5;
const RSA_2048_SIGNATURE_LENGTH = 256;
/** EXTERNAL AUTHENTICATE data: the 16-byte token HQ computed for the card's nonce. */
const PIN_RESET_TOKEN_LENGTH = 16;
const PIN_RESET_NONCE_LENGTH = 8;
/** READ BINARY offsets have 15 bits (b8 of P1 must be 0). */
const MAX_FILE_OFFSET = 0x7fff;
const DEFAULT_TIMEOUT_MS = 5_000;

export interface JpkiCardOptions {
  /** Per-APDU timeout passed to the reader. */
  timeoutMs?: number;
}

interface PinSpec {
  name: string;
  ef: number;
  /** P2 of EXTERNAL AUTHENTICATE / RESET RETRY COUNTER: 80 | short id of the PIN EF. */
  reference: number;
  maxTries: number;
  /** What the user typed → what the card compares (signature PIN: ASCII letters upper-cased). */
  normalize: (pin: string) => string;
  isValid: (pin: string) => boolean;
  /** The PIN_FORMAT detail: the rule, never the PIN. */
  formatRule: string;
}

const USER_AUTH_PIN: PinSpec = {
  name: 'user-authentication PIN',
  ef: EF.userAuthPin,
  reference: 0x98,
  maxTries: USER_AUTH_MAX_TRIES,
  normalize: (pin) => pin,
  isValid: isValidUserAuthPin,
  formatRule: 'user-authentication PIN must be 4 digits',
};
const SIGNATURE_PIN: PinSpec = {
  name: 'signature PIN',
  ef: EF.signaturePin,
  reference: 0x9b,
  maxTries: SIGNATURE_MAX_TRIES,
  normalize: normalizeSignaturePin,
  isValid: isValidSignaturePin,
  formatRule: 'signature PIN must be 6–16 letters and digits with at least one of each',
};
const PINS: Readonly<Record<'userAuth' | 'signature', PinSpec>> = {
  userAuth: USER_AUTH_PIN,
  signature: SIGNATURE_PIN,
};

function pinSpec(pin: 'userAuth' | 'signature'): PinSpec {
  // Object.hasOwn: a JavaScript caller's 'toString' must not reach the prototype.
  if (!Object.hasOwn(PINS, pin)) throw new RangeError('unknown PIN');
  return PINS[pin];
}

/** The normalised PIN, or PIN_FORMAT (with the rule, never the PIN) when it breaks the format rules. */
function formatted(spec: PinSpec, pin: string): string {
  const normalized = spec.normalize(pin);
  if (!spec.isValid(normalized)) throw new KioskError('PIN_FORMAT', spec.formatRule);
  return normalized;
}

function unexpected(operation: string, sw: number): KioskError {
  return new KioskError('CARD_UNREADABLE', `${operation}: ${swName(sw)}`);
}

export class JpkiCard {
  /** Serialises operations: each is a multi-APDU sequence that must not interleave with another. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly connection: CardConnection,
    private readonly timeoutMs: number,
  ) {}

  /** Connects and selects the JPKI AP. A card that refuses the SELECT is no JPKI card: CARD_UNREADABLE. */
  static async open(reader: CardReader, options: JpkiCardOptions = {}): Promise<JpkiCard> {
    const connection = await reader.connect();
    const card = new JpkiCard(connection, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    try {
      await card.selectJpkiAp();
    } catch (error) {
      await connection.disconnect().catch(() => undefined);
      throw error;
    }
    return card;
  }

  get atr(): Uint8Array {
    return this.connection.atr;
  }

  // --- user authentication (利用者証明用) ---------------------------------------------------------------------

  readUserAuthCertificate(): Promise<Uint8Array> {
    return this.exclusive(() => this.readDerFile(EF.userAuthCertificate, 'user-authentication certificate'));
  }

  readUserAuthCaCertificate(): Promise<Uint8Array> {
    return this.exclusive(() =>
      this.readDerFile(EF.userAuthCaCertificate, 'user-authentication CA certificate'),
    );
  }

  userAuthTriesLeft(): Promise<number> {
    return this.exclusive(() => this.triesLeft(USER_AUTH_PIN));
  }

  /** PIN_FORMAT (nothing sent) unless exactly 4 digits; PIN_WRONG with triesLeft; PIN_LOCKED. */
  verifyUserAuthPin(pin: string): Promise<void> {
    let value: string;
    try {
      value = formatted(USER_AUTH_PIN, pin);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.exclusive(() => this.verify(USER_AUTH_PIN, value));
  }

  /** SHA-256 DigestInfo of the message, signed with the user-authentication key (needs the PIN verified). */
  signWithUserAuthKey(message: Uint8Array): Promise<Uint8Array> {
    return this.exclusive(() => this.sign(EF.userAuthKey, message, 'user-authentication key'));
  }

  // --- signature (署名用); a child's card has none -------------------------------------------------------------

  /** Whether the card has a signature PIN/key at all (a child under 15 has neither). */
  hasSignatureKey(): Promise<boolean> {
    return this.exclusive(async () => {
      const { sw } = await this.selectEfRaw(EF.signaturePin);
      if (sw === SW.OK) return true;
      if (sw === SW.FILE_NOT_FOUND) return false;
      throw unexpected('SELECT signature PIN', sw);
    });
  }

  /** Readable only after verifySignaturePin (else the card answers 69 82: CARD_UNREADABLE). */
  readSignatureCertificate(): Promise<Uint8Array> {
    return this.exclusive(() => this.readDerFile(EF.signatureCertificate, 'signature certificate'));
  }

  readSignatureCaCertificate(): Promise<Uint8Array> {
    return this.exclusive(() => this.readDerFile(EF.signatureCaCertificate, 'signature CA certificate'));
  }

  signatureTriesLeft(): Promise<number> {
    return this.exclusive(() => this.triesLeft(SIGNATURE_PIN));
  }

  /** Upper-cases ASCII letters, then PIN_FORMAT (nothing sent) unless 6–16 of A–Z0–9 with a letter and a digit. */
  verifySignaturePin(pin: string): Promise<void> {
    let value: string;
    try {
      value = formatted(SIGNATURE_PIN, pin);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.exclusive(() => this.verify(SIGNATURE_PIN, value));
  }

  signWithSignatureKey(message: Uint8Array): Promise<Uint8Array> {
    return this.exclusive(() => this.sign(EF.signatureKey, message, 'signature key'));
  }

  // --- PIN reset (jpki-card.md, "PIN reset at the kiosk") --------------------------------------------------
  //
  // getChallenge() → HQ computes the token for that nonce → externalAuthenticate() → resetRetryCounter().
  // Between externalAuthenticate and resetRetryCounter NO other call on this JpkiCard (logout and close
  // included): the card keeps an opened reset for exactly one command, whatever it is. Keep the card quiet
  // between getChallenge and externalAuthenticate too: the first EXTERNAL AUTHENTICATE uses the nonce up, and
  // power loss (a real card: possibly more) loses it. If resetRetryCounter rejects with CARD_REMOVED or
  // CARD_TIMEOUT, the card may hold either PIN (old or new, never a mix): treat the outcome as unknown.

  /**
   * GET CHALLENGE: `length` (1–256) random bytes from the card. An 8-byte challenge is the nonce a PIN-reset
   * token is bound to. RangeError (nothing sent) for another length.
   */
  getChallenge(length = PIN_RESET_NONCE_LENGTH): Promise<Uint8Array> {
    if (!Number.isInteger(length) || length < 1 || length > 256) {
      return Promise.reject(new RangeError('GET CHALLENGE length must be 1–256'));
    }
    return this.exclusive(async () => {
      const { data, sw } = await this.send({ cla: 0x00, ins: 0x84, p1: 0x00, p2: 0x00, le: length });
      if (sw !== SW.OK) throw unexpected('GET CHALLENGE', sw);
      if (data.length !== length) {
        throw new KioskError('CARD_UNREADABLE', `GET CHALLENGE: ${data.length} bytes instead of ${length}`);
      }
      return data;
    });
  }

  /**
   * EXTERNAL AUTHENTICATE with HQ's 16-byte token for the last challenge: opens one reset of that PIN (for the
   * very next command only). A refused token (69 82: wrong, or no unused nonce) is CARD_UNREADABLE
   * 'external authenticate refused'; a card without a signature PIN answers 6A 82 for 'signature'
   * (CARD_UNREADABLE; check hasSignatureKey first). RangeError (nothing sent) for a token of another length.
   */
  externalAuthenticate(pin: 'userAuth' | 'signature', token: Uint8Array): Promise<void> {
    let spec: PinSpec;
    try {
      spec = pinSpec(pin);
    } catch (error) {
      return Promise.reject(error);
    }
    if (token.length !== PIN_RESET_TOKEN_LENGTH) {
      return Promise.reject(new RangeError(`PIN-reset token must be ${PIN_RESET_TOKEN_LENGTH} bytes`));
    }
    return this.exclusive(async () => {
      const { sw } = await this.send({ cla: 0x00, ins: 0x82, p1: 0x00, p2: spec.reference, data: token });
      if (sw === SW.OK) return;
      if (sw === SW.SECURITY_NOT_SATISFIED) {
        throw new KioskError('CARD_UNREADABLE', 'external authenticate refused');
      }
      throw unexpected(`EXTERNAL AUTHENTICATE ${spec.name}`, sw);
    });
  }

  /**
   * RESET RETRY COUNTER: sets the new PIN and refills its counter. The signature PIN is upper-cased first;
   * PIN_FORMAT (nothing sent, the opened reset stays open) when it breaks the format rules. Needs
   * externalAuthenticate for the same PIN as the command right before; without it the card answers 69 82
   * (CARD_UNREADABLE 'reset retry counter refused'). The card refusing the format (6A 80) is PIN_FORMAT too.
   * The PIN is not verified afterwards.
   */
  resetRetryCounter(pin: 'userAuth' | 'signature', newPin: string): Promise<void> {
    let spec: PinSpec;
    let value: string;
    try {
      spec = pinSpec(pin);
      value = formatted(spec, newPin);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.exclusive(async () => {
      const { sw } = await this.send({
        cla: 0x00,
        ins: 0x2c,
        p1: 0x02,
        p2: spec.reference,
        data: new TextEncoder().encode(value),
      });
      if (sw === SW.OK) return;
      if (sw === SW.SECURITY_NOT_SATISFIED) {
        throw new KioskError('CARD_UNREADABLE', 'reset retry counter refused');
      }
      if (sw === SW.WRONG_DATA) throw new KioskError('PIN_FORMAT', `card refused the new ${spec.name}`);
      throw unexpected(`RESET RETRY COUNTER ${spec.name}`, sw);
    });
  }

  // --- card -----------------------------------------------------------------------------------------------

  /** The card serial number from the token info EF 0006 (trailing padding removed). */
  readSerial(): Promise<string> {
    return this.exclusive(async () => {
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
    });
  }

  /** Selects the JPKI AP again: the card forgets every verified PIN. */
  logout(): Promise<void> {
    return this.exclusive(() => this.selectJpkiAp());
  }

  /** Logs out (best effort: the card may be gone) and disconnects. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.logout().catch(() => undefined);
    await this.connection.disconnect();
  }

  // --- sequences ------------------------------------------------------------------------------------------

  private async selectJpkiAp(): Promise<void> {
    const { sw } = await this.send({ cla: 0x00, ins: 0xa4, p1: 0x04, p2: 0x0c, data: JPKI_AID });
    if (sw !== SW.OK) throw new KioskError('CARD_UNREADABLE', `not a JPKI card: SELECT AP ${swName(sw)}`);
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

  /** Reads a DER object whose length comes from its own header (files may be padded past it). */
  private async readDerFile(ef: number, what: string): Promise<Uint8Array> {
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

  private async triesLeft(pin: PinSpec): Promise<number> {
    await this.selectEf(pin.ef, pin.name);
    const { sw } = await this.send({ cla: 0x00, ins: 0x20, p1: 0x00, p2: 0x80 });
    const tries = pinTriesFromSw(sw);
    if (tries !== undefined) return tries;
    if (sw === SW.AUTH_METHOD_BLOCKED) return 0;
    // Some cards answer 90 00 after a successful VERIFY: the counter is full then.
    if (sw === SW.OK) return pin.maxTries;
    throw unexpected(`VERIFY (retry counter) ${pin.name}`, sw);
  }

  private async verify(pin: PinSpec, value: string): Promise<void> {
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

  private async sign(keyEf: number, message: Uint8Array, what: string): Promise<Uint8Array> {
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

  // --- plumbing -------------------------------------------------------------------------------------------

  private async send(command: CommandApdu): Promise<{ data: Uint8Array; sw: number }> {
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

  private exclusive<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.queue.then(operation);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/**
 * Total length of a DER TLV from its first bytes: `30 LL`, `30 81 LL`, `30 82 LL LL`. Undefined for anything
 * else (not a SEQUENCE, indefinite or over-long length).
 */
export function derTotalLength(head: Uint8Array): number | undefined {
  if (head[0] !== 0x30 || head.length < 2) return undefined;
  const first = head[1] ?? 0;
  if (first < 0x80) return 2 + first;
  if (first === 0x81 && head.length >= 3) return 3 + (head[2] ?? 0);
  if (first === 0x82 && head.length >= 4) return 4 + (((head[2] ?? 0) << 8) | (head[3] ?? 0));
  return undefined;
}
