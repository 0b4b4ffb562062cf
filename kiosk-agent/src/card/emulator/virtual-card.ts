import {
  constants,
  createPrivateKey,
  privateEncrypt,
  randomBytes,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import { buildResponse, fromHex, parseCommand, pinWrongSw, SW, toHex, type ParsedCommand } from '../apdu';
import { computePinResetToken, PIN_RESET_NONCE_LENGTH, PIN_RESET_TOKEN_LENGTH } from '../management-key';
import { isValidSignaturePin, isValidUserAuthPin } from '../pin-format';
import { encodeTokenInfo } from '../token-info';
import { CardProfile, SIGNATURE_MAX_TRIES, USER_AUTH_MAX_TRIES } from './profile';

/**
 * A virtual My Number card speaking the JPKI AP command set of /work/shared/jpki-card.md, driven by a
 * CardProfile. Volatile state (selected AP/EF, verified PINs, an opened PIN reset) lives in memory and is
 * cleared by power off/on, reset and SELECT AP; retry counters and PINs are written through `persist` before
 * the answer leaves the card, so a locked card stays locked across restarts.
 *
 * PIN reset (jpki-card.md, "PIN reset at the kiosk"): GET CHALLENGE → EXTERNAL AUTHENTICATE `00 82 00 <P2> 10
 * <token>` → RESET RETRY COUNTER `00 2C 02 <P2> <Lc> <new PIN>`, P2 = 98 (EF 0018) or 9B (EF 001B).
 * - The token is checked against the last GET CHALLENGE nonce. Every EXTERNAL AUTHENTICATE that reaches the
 *   token check uses that nonce up, right or wrong (a nonce is single use; no guessing against one nonce).
 *   No nonce, a used one, or a wrong token: 69 82.
 * - Success opens one reset of that PIN for exactly the next command: whatever that command is, success or
 *   failure, the reset is closed afterwards. So a RESET RETRY COUNTER refused for its format (6A 80) or for the
 *   other PIN (69 82) needs a new GET CHALLENGE and token.
 * - PIN and counter are replaced together: the new profile is handed to `persist` once, and only once that
 *   resolved does the card adopt it and answer 90 00. If `persist` fails the card keeps the old PIN and
 *   counter and answers 65 81 (memory failure). A card pulled mid-operation is left with the old or the new
 *   PIN (profile-store's saves are atomic), never a mix.
 *
 * Choices where the spec is silent (documented so that tests and the PC/SC bridge agree):
 * - The two other APs (券面事項入力補助AP, 券面事項確認AP) are selectable but empty: SELECT answers 90 00 (and
 *   clears PIN state like any SELECT AP), every SELECT EF inside them answers 6A 82.
 * - After power on no AP is selected: SELECT EF answers 6A 82, commands that need a current EF 69 86.
 * - SELECT accepts P2 0C and 00 alike and never returns FCI.
 * - READ BINARY on a PIN or key EF: 69 81. Offset at or past the end of the file: 6B 00. No Le: 67 00.
 * - VERIFY of a PIN of the wrong length spends a try, like any wrong PIN (unknown on real cards; the driver
 *   never sends one). An empty VERIFY of a locked PIN answers 69 84.
 * - CHANGE PIN checks the new PIN against the EF's format rules: 6A 80 (as RESET RETRY COUNTER does). It is
 *   atomic like RESET RETRY COUNTER: a failed `persist` keeps the old PIN and answers 65 81.
 * - GET CHALLENGE: only an 8-byte challenge can be used by EXTERNAL AUTHENTICATE (any other length discards
 *   the nonce). The nonce survives SELECT AP (it is no PIN state); power off/on and reset discard it.
 * - EXTERNAL AUTHENTICATE / RESET RETRY COUNTER: P1 other than 00 / 02, or P2 other than 98 / 9B: 6A 86;
 *   Lc other than 16 / no new PIN, or an Le: 67 00; the JPKI AP not selected, or P2 9B on a card without
 *   signature PIN: 6A 82. None of these touch the nonce. Neither command needs a SELECT EF, and a reset does
 *   not leave the PIN verified (VERIFY it with the new PIN).
 * - SIGN accepts Le absent or 00 (= 256); any other Le: 67 00.
 * - An unpowered card is mute: transmit resolves with 0 bytes (what vpcd reports for a dead card).
 * - A key that node cannot load answers 6F 00 instead of throwing.
 */

export const JPKI_AID = 'D392F000260100000001';
/** 券面事項入力補助AP — not used by the kiosk; emulated as an empty AP. */
export const CARD_TEXT_AID = 'D3921000310001010408';
/** 券面事項確認AP — not used by the kiosk; emulated as an empty AP. */
export const CARD_FACE_AID = 'D3921000310001010402';

/**
 * Called with a snapshot of the profile whenever a retry counter or PIN changed; awaited before answering.
 * Must write the whole profile atomically (old or new on disk, never a mix), as profile-store's saveProfile does.
 */
export type PersistProfile = (profile: CardProfile) => Promise<void>;

export interface VirtualJpkiCardOptions {
  persist?: PersistProfile;
}

type PinId = 'userAuth' | 'signature';
type Application = 'jpki' | 'cardText' | 'cardFace';

type ElementaryFile =
  | { kind: 'binary'; content: Uint8Array; readRequires?: PinId }
  | { kind: 'pin'; pin: PinId }
  | { kind: 'key'; pin: PinId };

interface Result {
  sw: number;
  data?: Uint8Array;
  /**
   * A retry counter changed in memory: write the profile before answering. If the write fails the change stays
   * (a spent try is never given back) and transmit rejects.
   */
  persist?: boolean;
  /**
   * The whole next profile (a PIN change): written first, adopted only if the write succeeded, else the card
   * keeps its state and answers 65 81.
   */
  commit?: CardProfile;
}

type Handler = (command: ParsedCommand, openReset: PinId | undefined) => Result;

const APPLICATIONS: ReadonlyMap<string, Application> = new Map([
  [JPKI_AID, 'jpki'],
  [CARD_TEXT_AID, 'cardText'],
  [CARD_FACE_AID, 'cardFace'],
]);

const MAX_TRIES: Record<PinId, number> = { userAuth: USER_AUTH_MAX_TRIES, signature: SIGNATURE_MAX_TRIES };
const PIN_FORMAT: Record<PinId, (pin: string) => boolean> = {
  userAuth: isValidUserAuthPin,
  signature: isValidSignaturePin,
};
/** P2 of EXTERNAL AUTHENTICATE / RESET RETRY COUNTER: 80 | short id of the PIN EF. */
const PIN_REFERENCES: ReadonlyMap<number, { pin: PinId; ef: string }> = new Map([
  [0x98, { pin: 'userAuth', ef: '0018' }],
  [0x9b, { pin: 'signature', ef: '001B' }],
]);

/** PKCS#1 v1.5 type-1 padding needs at least 11 bytes of the modulus. */
const PKCS1_OVERHEAD = 11;

function base64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}

function status(sw: number): Result {
  return { sw };
}

export class VirtualJpkiCard {
  /** Replaced as a whole by a committed PIN change; mutated in place for counter changes. */
  private state: CardProfile;
  private readonly persist: PersistProfile;
  private readonly files: ReadonlyMap<string, ElementaryFile>;
  private readonly keys = new Map<PinId, KeyObject>();
  private readonly atr: Uint8Array;
  /** K_card, which EXTERNAL AUTHENTICATE tokens are checked with. */
  private readonly managementKey: Uint8Array;

  private powered = false;
  private application: Application | undefined;
  private currentEf: string | undefined;
  private readonly verified = new Set<PinId>();
  /** The last GET CHALLENGE nonce not yet used by an EXTERNAL AUTHENTICATE. */
  private nonce: Uint8Array | undefined;
  /** The PIN whose reset EXTERNAL AUTHENTICATE opened; valid for the next command only. */
  private openReset: PinId | undefined;
  /** Serialises APDUs: each one sees the state the previous one left, persistence included. */
  private queue: Promise<unknown> = Promise.resolve();

  /** Dispatch by CLA‖INS. */
  private readonly commands: ReadonlyMap<number, Handler> = new Map<number, Handler>([
    [0x00a4, (c) => this.select(c)],
    [0x00b0, (c) => this.readBinary(c)],
    [0x0020, (c) => this.verify(c)],
    [0x0024, (c) => this.changePin(c)],
    [0x0084, (c) => this.getChallenge(c)],
    [0x802a, (c) => this.sign(c)],
    [0x0082, (c) => this.externalAuthenticate(c)],
    [0x002c, (c, openReset) => this.resetRetryCounter(c, openReset)],
  ]);

  constructor(profile: CardProfile, options: VirtualJpkiCardOptions = {}) {
    // Parse a deep copy: validates, fills defaults, and the caller's object can no longer change the card.
    this.state = CardProfile.parse(structuredClone(profile));
    this.persist = options.persist ?? (async () => {});
    this.atr = fromHex(this.state.atr);
    this.managementKey = base64(this.state.managementKey);
    this.files = this.buildFiles();
  }

  /** A snapshot of the card's persistent data (retry counters and PINs as they are now). */
  get profile(): CardProfile {
    return structuredClone(this.state);
  }

  get isPowered(): boolean {
    return this.powered;
  }

  /** Cold reset: powers the card and returns its ATR. */
  powerOn(): Uint8Array {
    this.powered = true;
    this.clearVolatile();
    this.nonce = undefined;
    return this.atr.slice();
  }

  powerOff(): void {
    this.powered = false;
    this.clearVolatile();
    this.nonce = undefined;
  }

  /** Warm reset: same volatile state as after power on; returns the ATR. */
  reset(): Uint8Array {
    return this.powerOn();
  }

  /**
   * Processes one command APDU. Always resolves with a response (status word at least), except when
   * `persist` fails on a retry-counter change: then it rejects, because answering would let a counter change be
   * lost. (A failed write of a PIN change answers 65 81 instead: nothing changed.)
   */
  transmit(apdu: Uint8Array): Promise<Uint8Array> {
    const command = apdu.slice();
    const run = this.queue.then(() => this.process(command));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async process(apdu: Uint8Array): Promise<Uint8Array> {
    if (!this.powered) return new Uint8Array(0);
    // An opened reset is good for this one command, whatever it is and however it ends.
    const openReset = this.openReset;
    this.openReset = undefined;
    const result = this.execute(apdu, openReset);
    if (result.commit !== undefined) {
      try {
        await this.persist(structuredClone(result.commit));
      } catch {
        // Nothing was adopted: the old PIN and counter stay, on the card as (atomically) on disk.
        return buildResponse(SW.MEMORY_FAILURE);
      }
      this.state = result.commit;
    } else if (result.persist) {
      await this.persist(structuredClone(this.state));
    }
    return buildResponse(result.sw, result.data);
  }

  private execute(apdu: Uint8Array, openReset: PinId | undefined): Result {
    const command = parseCommand(apdu);
    if (command === undefined) return status(SW.WRONG_LENGTH);
    if (command.cla !== 0x00 && command.cla !== 0x80) return status(SW.CLA_NOT_SUPPORTED);
    const handler = this.commands.get((command.cla << 8) | command.ins);
    if (handler === undefined) {
      const knownUnderOtherClass = [...this.commands.keys()].some((key) => (key & 0xff) === command.ins);
      return status(knownUnderOtherClass ? SW.CLA_NOT_SUPPORTED : SW.INS_NOT_SUPPORTED);
    }
    try {
      return handler(command, openReset);
    } catch {
      // A card never throws: an internal failure is a status word.
      return status(SW.UNKNOWN_ERROR);
    }
  }

  /** Power off/on, reset and SELECT AP. (The GET CHALLENGE nonce is cleared by power only.) */
  private clearVolatile(): void {
    this.application = undefined;
    this.currentEf = undefined;
    this.verified.clear();
    this.openReset = undefined;
  }

  private buildFiles(): Map<string, ElementaryFile> {
    const { userAuth, signature } = this.state;
    const files = new Map<string, ElementaryFile>([
      ['000A', { kind: 'binary', content: base64(userAuth.certificate) }],
      ['000B', { kind: 'binary', content: base64(userAuth.caCertificate) }],
      ['0017', { kind: 'key', pin: 'userAuth' }],
      ['0018', { kind: 'pin', pin: 'userAuth' }],
      ['0006', { kind: 'binary', content: encodeTokenInfo(this.state.serial) }],
    ]);
    // A child under 15 has no signature certificate, key or PIN: those EFs do not exist (6A 82).
    if (signature !== null) {
      files.set('0001', {
        kind: 'binary',
        content: base64(signature.certificate),
        readRequires: 'signature',
      });
      files.set('0002', { kind: 'binary', content: base64(signature.caCertificate) });
      files.set('001A', { kind: 'key', pin: 'signature' });
      files.set('001B', { kind: 'pin', pin: 'signature' });
    }
    return files;
  }

  private pinRecord(pin: PinId): { pin: string; triesLeft: number } {
    const record = this.state[pin];
    // Unreachable: the EFs of a missing signature pair are not in `files`.
    if (record === null) throw new Error('no signature PIN on this card');
    return record;
  }

  private current(): ElementaryFile | undefined {
    return this.currentEf === undefined ? undefined : this.files.get(this.currentEf);
  }

  // --- SELECT ---------------------------------------------------------------------------------------------

  private select(c: ParsedCommand): Result {
    if (c.p2 !== 0x0c && c.p2 !== 0x00) return status(SW.WRONG_P1P2);
    if (c.p1 === 0x04) return this.selectApplication(c.data);
    if (c.p1 === 0x02) return this.selectFile(c.data);
    return status(SW.WRONG_P1P2);
  }

  private selectApplication(aid: Uint8Array): Result {
    if (aid.length === 0) return status(SW.WRONG_LENGTH);
    const application = APPLICATIONS.get(toHex(aid));
    if (application === undefined) return status(SW.FILE_NOT_FOUND);
    this.clearVolatile();
    this.application = application;
    return status(SW.OK);
  }

  private selectFile(fid: Uint8Array): Result {
    if (fid.length !== 2) return status(SW.WRONG_LENGTH);
    const id = toHex(fid);
    if (this.application !== 'jpki' || !this.files.has(id)) return status(SW.FILE_NOT_FOUND);
    this.currentEf = id;
    return status(SW.OK);
  }

  // --- READ BINARY ----------------------------------------------------------------------------------------

  private readBinary(c: ParsedCommand): Result {
    // b8 of P1 set means short-EF-id addressing, which the JPKI AP does not use.
    if ((c.p1 & 0x80) !== 0) return status(SW.WRONG_P1P2);
    if (c.data.length > 0 || c.le === undefined) return status(SW.WRONG_LENGTH);
    const ef = this.current();
    if (ef === undefined) return status(SW.NO_CURRENT_EF);
    if (ef.kind !== 'binary') return status(SW.INCOMPATIBLE_FILE);
    if (ef.readRequires !== undefined && !this.verified.has(ef.readRequires)) {
      return status(SW.SECURITY_NOT_SATISFIED);
    }
    const offset = (c.p1 << 8) | c.p2;
    if (offset >= ef.content.length) return status(SW.WRONG_OFFSET);
    return { sw: SW.OK, data: ef.content.slice(offset, offset + c.le) };
  }

  // --- VERIFY / CHANGE PIN --------------------------------------------------------------------------------

  private verify(c: ParsedCommand): Result {
    if (c.p1 !== 0x00 || c.p2 !== 0x80) return status(SW.WRONG_P1P2);
    if (c.le !== undefined) return status(SW.WRONG_LENGTH);
    const ef = this.current();
    if (ef === undefined || ef.kind !== 'pin') return status(SW.NO_CURRENT_EF);
    const record = this.pinRecord(ef.pin);
    if (record.triesLeft === 0) return status(SW.AUTH_METHOD_BLOCKED);

    if (c.data.length === 0) {
      // Retry-counter query: spends nothing.
      const answersOk = this.verified.has(ef.pin) && this.state.options.retryCounterAfterVerify === '9000';
      return status(answersOk ? SW.OK : pinWrongSw(record.triesLeft));
    }

    const expected = new TextEncoder().encode(record.pin);
    const matches = expected.length === c.data.length && timingSafeEqual(expected, c.data);
    if (matches) {
      const max = MAX_TRIES[ef.pin];
      const changed = record.triesLeft !== max;
      record.triesLeft = max;
      this.verified.add(ef.pin);
      return { sw: SW.OK, persist: changed };
    }
    record.triesLeft -= 1;
    this.verified.delete(ef.pin);
    return { sw: pinWrongSw(record.triesLeft), persist: true };
  }

  private changePin(c: ParsedCommand): Result {
    if (c.p1 !== 0x01 || c.p2 !== 0x80) return status(SW.WRONG_P1P2);
    if (c.data.length === 0 || c.le !== undefined) return status(SW.WRONG_LENGTH);
    const ef = this.current();
    if (ef === undefined || ef.kind !== 'pin') return status(SW.NO_CURRENT_EF);
    if (!this.verified.has(ef.pin)) return status(SW.SECURITY_NOT_SATISFIED);
    return this.replacePin(ef.pin, c.data);
  }

  /**
   * The new PIN (format-checked: 6A 80) and a full counter, as a profile to commit: persisted first, adopted
   * only if that worked (see process).
   */
  private replacePin(pin: PinId, newPinBytes: Uint8Array): Result {
    // Bytes → string one to one, so that a non-ASCII byte can never pass the ASCII-only format rules.
    const newPin = String.fromCharCode(...newPinBytes);
    if (!PIN_FORMAT[pin](newPin)) return status(SW.WRONG_DATA);
    const next = structuredClone(this.state);
    const record = next[pin];
    // Unreachable: the EFs of a missing signature pair are not in `files`.
    if (record === null) throw new Error('no signature PIN on this card');
    record.pin = newPin;
    record.triesLeft = MAX_TRIES[pin];
    return { sw: SW.OK, commit: next };
  }

  // --- SIGN -----------------------------------------------------------------------------------------------

  private sign(c: ParsedCommand): Result {
    if (c.p1 !== 0x00 || c.p2 !== 0x80) return status(SW.WRONG_P1P2);
    if (c.data.length === 0) return status(SW.WRONG_LENGTH);
    if (c.le !== undefined && c.le !== 256) return status(SW.WRONG_LENGTH);
    const ef = this.current();
    if (ef === undefined || ef.kind !== 'key') return status(SW.NO_CURRENT_EF);
    if (!this.verified.has(ef.pin)) return status(SW.SECURITY_NOT_SATISFIED);
    const key = this.privateKey(ef.pin);
    const modulusBits = key.asymmetricKeyDetails?.modulusLength;
    if (key.asymmetricKeyType !== 'rsa' || modulusBits === undefined) throw new Error('not an RSA key');
    if (c.data.length > modulusBits / 8 - PKCS1_OVERHEAD) return status(SW.WRONG_LENGTH);
    // Type-1 padding around exactly the bytes sent (the driver sends a DigestInfo), then the raw RSA operation.
    const signature = privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, c.data);
    return { sw: SW.OK, data: new Uint8Array(signature) };
  }

  private privateKey(pin: PinId): KeyObject {
    let key = this.keys.get(pin);
    if (key === undefined) {
      const record = this.state[pin];
      if (record === null) throw new Error('no signature key on this card');
      key = createPrivateKey({ key: Buffer.from(record.privateKey, 'base64'), format: 'der', type: 'pkcs8' });
      this.keys.set(pin, key);
    }
    return key;
  }

  // --- GET CHALLENGE --------------------------------------------------------------------------------------

  private getChallenge(c: ParsedCommand): Result {
    if (c.p1 !== 0x00 || c.p2 !== 0x00) return status(SW.WRONG_P1P2);
    if (c.data.length > 0 || c.le === undefined) return status(SW.WRONG_LENGTH);
    const challenge = new Uint8Array(randomBytes(c.le));
    this.nonce = challenge.length === PIN_RESET_NONCE_LENGTH ? challenge.slice() : undefined;
    return { sw: SW.OK, data: challenge };
  }

  // --- PIN reset: EXTERNAL AUTHENTICATE / RESET RETRY COUNTER ---------------------------------------------

  /** The PIN EF that P2 (80 | short id) names, if it exists in the selected AP; else the status word. */
  private pinReference(p2: number): { pin: PinId } | { sw: number } {
    const reference = PIN_REFERENCES.get(p2);
    if (reference === undefined) return { sw: SW.WRONG_P1P2 };
    if (this.application !== 'jpki' || !this.files.has(reference.ef)) return { sw: SW.FILE_NOT_FOUND };
    return { pin: reference.pin };
  }

  private externalAuthenticate(c: ParsedCommand): Result {
    if (c.p1 !== 0x00) return status(SW.WRONG_P1P2);
    if (!PIN_REFERENCES.has(c.p2)) return status(SW.WRONG_P1P2);
    if (c.data.length !== PIN_RESET_TOKEN_LENGTH || c.le !== undefined) return status(SW.WRONG_LENGTH);
    const reference = this.pinReference(c.p2);
    if ('sw' in reference) return status(reference.sw);
    // Single use: this attempt spends the nonce, whether the token is right or not.
    const nonce = this.nonce;
    this.nonce = undefined;
    if (nonce === undefined) return status(SW.SECURITY_NOT_SATISFIED);
    const expected = computePinResetToken(this.managementKey, reference.pin, nonce);
    if (!timingSafeEqual(expected, c.data)) return status(SW.SECURITY_NOT_SATISFIED);
    this.openReset = reference.pin;
    return status(SW.OK);
  }

  private resetRetryCounter(c: ParsedCommand, openReset: PinId | undefined): Result {
    if (c.p1 !== 0x02) return status(SW.WRONG_P1P2);
    if (!PIN_REFERENCES.has(c.p2)) return status(SW.WRONG_P1P2);
    if (c.data.length === 0 || c.le !== undefined) return status(SW.WRONG_LENGTH);
    const reference = this.pinReference(c.p2);
    if ('sw' in reference) return status(reference.sw);
    if (openReset !== reference.pin) return status(SW.SECURITY_NOT_SATISFIED);
    // A reset never leaves the PIN verified: the holder proves the new PIN with VERIFY.
    this.verified.delete(reference.pin);
    return this.replacePin(reference.pin, c.data);
  }
}
