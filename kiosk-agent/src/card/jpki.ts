import { EF } from './jpki-files';
import { JpkiChannel } from './jpki-channel';
import { formatted, pinSpec, SIGNATURE_PIN, USER_AUTH_PIN, type PinSpec } from './jpki-pins';
import * as pinReset from './jpki-pin-reset';
import type { CardConnection, CardReader } from './reader';

export { derTotalLength } from './jpki-files';

/**
 * The JPKI driver: the command sequences of /work/shared/jpki-card.md over any CardReader. It knows nothing of
 * the emulator. Errors are KioskErrors with stable codes; details carry the operation and the status word,
 * never a PIN or a reset token (the VERIFY / RESET RETRY COUNTER APDUs are never put into an error or a log).
 *
 * This class is the public API: argument checks (nothing is sent for a bad argument) and one operation at a
 * time. The APDUs are in jpki-channel.ts (reading, PINs, signing) and jpki-pin-reset.ts (PIN reset).
 */

const DEFAULT_TIMEOUT_MS = 5_000;

export interface JpkiCardOptions {
  /** Per-APDU timeout passed to the reader. */
  timeoutMs?: number;
}

export class JpkiCard {
  /** Serialises operations: each is a multi-APDU sequence that must not interleave with another. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly channel: JpkiChannel;

  private constructor(
    private readonly connection: CardConnection,
    timeoutMs: number,
  ) {
    this.channel = new JpkiChannel(connection, timeoutMs);
  }

  /** Connects and selects the JPKI AP. A card that refuses the SELECT is no JPKI card: CARD_UNREADABLE. */
  static async open(reader: CardReader, options: JpkiCardOptions = {}): Promise<JpkiCard> {
    const connection = await reader.connect();
    const card = new JpkiCard(connection, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    try {
      await card.channel.selectJpkiAp();
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
    return this.exclusive(() =>
      this.channel.readDerFile(EF.userAuthCertificate, 'user-authentication certificate'),
    );
  }

  readUserAuthCaCertificate(): Promise<Uint8Array> {
    return this.exclusive(() =>
      this.channel.readDerFile(EF.userAuthCaCertificate, 'user-authentication CA certificate'),
    );
  }

  userAuthTriesLeft(): Promise<number> {
    return this.exclusive(() => this.channel.triesLeft(USER_AUTH_PIN));
  }

  /** PIN_FORMAT (nothing sent) unless exactly 4 digits; PIN_WRONG with triesLeft; PIN_LOCKED. */
  verifyUserAuthPin(pin: string): Promise<void> {
    let value: string;
    try {
      value = formatted(USER_AUTH_PIN, pin);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.exclusive(() => this.channel.verify(USER_AUTH_PIN, value));
  }

  /** SHA-256 DigestInfo of the message, signed with the user-authentication key (needs the PIN verified). */
  signWithUserAuthKey(message: Uint8Array): Promise<Uint8Array> {
    return this.exclusive(() => this.channel.sign(EF.userAuthKey, message, 'user-authentication key'));
  }

  // --- signature (署名用); a child's card has none -------------------------------------------------------------

  /** Whether the card has a signature PIN/key at all (a child under 15 has neither). */
  hasSignatureKey(): Promise<boolean> {
    return this.exclusive(() => this.channel.hasSignatureKey());
  }

  /** Readable only after verifySignaturePin (else the card answers 69 82: CARD_UNREADABLE). */
  readSignatureCertificate(): Promise<Uint8Array> {
    return this.exclusive(() => this.channel.readDerFile(EF.signatureCertificate, 'signature certificate'));
  }

  readSignatureCaCertificate(): Promise<Uint8Array> {
    return this.exclusive(() =>
      this.channel.readDerFile(EF.signatureCaCertificate, 'signature CA certificate'),
    );
  }

  signatureTriesLeft(): Promise<number> {
    return this.exclusive(() => this.channel.triesLeft(SIGNATURE_PIN));
  }

  /** Upper-cases ASCII letters, then PIN_FORMAT (nothing sent) unless 6–16 of A–Z0–9 with a letter and a digit. */
  verifySignaturePin(pin: string): Promise<void> {
    let value: string;
    try {
      value = formatted(SIGNATURE_PIN, pin);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.exclusive(() => this.channel.verify(SIGNATURE_PIN, value));
  }

  signWithSignatureKey(message: Uint8Array): Promise<Uint8Array> {
    return this.exclusive(() => this.channel.sign(EF.signatureKey, message, 'signature key'));
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
  getChallenge(length = pinReset.PIN_RESET_NONCE_LENGTH): Promise<Uint8Array> {
    if (!Number.isInteger(length) || length < 1 || length > 256) {
      return Promise.reject(new RangeError('GET CHALLENGE length must be 1–256'));
    }
    return this.exclusive(() => pinReset.getChallenge(this.channel, length));
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
    if (token.length !== pinReset.PIN_RESET_TOKEN_LENGTH) {
      return Promise.reject(
        new RangeError(`PIN-reset token must be ${pinReset.PIN_RESET_TOKEN_LENGTH} bytes`),
      );
    }
    return this.exclusive(() => pinReset.externalAuthenticate(this.channel, spec, token));
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
    return this.exclusive(() => pinReset.resetRetryCounter(this.channel, spec, value));
  }

  // --- card -----------------------------------------------------------------------------------------------

  /** The card serial number from the token info EF 0006 (trailing padding removed). */
  readSerial(): Promise<string> {
    return this.exclusive(() => this.channel.readSerial());
  }

  /** Selects the JPKI AP again: the card forgets every verified PIN. */
  logout(): Promise<void> {
    return this.exclusive(() => this.channel.selectJpkiAp());
  }

  /** Logs out (best effort: the card may be gone) and disconnects. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.logout().catch(() => undefined);
    await this.connection.disconnect();
  }

  private exclusive<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.queue.then(operation);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
