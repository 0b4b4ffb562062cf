import {
  constants,
  createPrivateKey,
  privateEncrypt,
  randomBytes,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import { buildResponse, fromHex, parseCommand, pinWrongSw, SW, toHex, type ParsedCommand } from '../apdu';
import { isValidSignaturePin, isValidUserAuthPin } from '../pin-format';
import { encodeTokenInfo } from '../token-info';
import { CardProfile, SIGNATURE_MAX_TRIES, USER_AUTH_MAX_TRIES } from './profile';

/**
 * A virtual My Number card speaking the JPKI AP command set of /work/shared/jpki-card.md, driven by a
 * CardProfile. Volatile state (selected AP/EF, verified PINs) lives in memory and is cleared by power off/on,
 * reset and SELECT AP; retry counters and PINs are written through `persist` before the answer leaves the
 * card, so a locked card stays locked across restarts.
 *
 * Choices where the spec is silent (documented so that tests and the PC/SC bridge agree):
 * - The two other APs (券面事項入力補助AP, 券面事項確認AP) are selectable but empty: SELECT answers 90 00 (and
 *   clears PIN state like any SELECT AP), every SELECT EF inside them answers 6A 82.
 * - After power on no AP is selected: SELECT EF answers 6A 82, commands that need a current EF 69 86.
 * - SELECT accepts P2 0C and 00 alike and never returns FCI.
 * - READ BINARY on a PIN or key EF: 69 81. Offset at or past the end of the file: 6B 00. No Le: 67 00.
 * - VERIFY of a PIN of the wrong length spends a try, like any wrong PIN (unknown on real cards; the driver
 *   never sends one). An empty VERIFY of a locked PIN answers 69 84.
 * - CHANGE PIN checks the new PIN against the EF's format rules: 6A 80 (as RESET RETRY COUNTER does).
 * - SIGN accepts Le absent or 00 (= 256); any other Le: 67 00.
 * - An unpowered card is mute: transmit resolves with 0 bytes (what vpcd reports for a dead card).
 * - A key that node cannot load answers 6F 00 instead of throwing.
 */

export const JPKI_AID = 'D392F000260100000001';
/** 券面事項入力補助AP — not used by the kiosk; emulated as an empty AP. */
export const CARD_TEXT_AID = 'D3921000310001010408';
/** 券面事項確認AP — not used by the kiosk; emulated as an empty AP. */
export const CARD_FACE_AID = 'D3921000310001010402';

/** Called with a snapshot of the profile whenever a retry counter or PIN changed; awaited before answering. */
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
  /** A retry counter or PIN changed: write the profile before answering. */
  persist?: boolean;
}

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

/** PKCS#1 v1.5 type-1 padding needs at least 11 bytes of the modulus. */
const PKCS1_OVERHEAD = 11;

function base64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}

function status(sw: number): Result {
  return { sw };
}

export class VirtualJpkiCard {
  private readonly state: CardProfile;
  private readonly persist: PersistProfile;
  private readonly files: ReadonlyMap<string, ElementaryFile>;
  private readonly keys = new Map<PinId, KeyObject>();
  private readonly atr: Uint8Array;

  private powered = false;
  private application: Application | undefined;
  private currentEf: string | undefined;
  private readonly verified = new Set<PinId>();
  /** Serialises APDUs: each one sees the state the previous one left, persistence included. */
  private queue: Promise<unknown> = Promise.resolve();

  /** Dispatch by CLA‖INS. */
  private readonly commands: ReadonlyMap<number, (command: ParsedCommand) => Result> = new Map([
    [0x00a4, (c: ParsedCommand) => this.select(c)],
    [0x00b0, (c: ParsedCommand) => this.readBinary(c)],
    [0x0020, (c: ParsedCommand) => this.verify(c)],
    [0x0024, (c: ParsedCommand) => this.changePin(c)],
    [0x0084, (c: ParsedCommand) => this.getChallenge(c)],
    [0x802a, (c: ParsedCommand) => this.sign(c)],
    // PIN reset (jpki-card.md, "PIN reset at the kiosk"; separate issue) plugs in here:
    //   [0x0082, EXTERNAL AUTHENTICATE] and [0x002c, RESET RETRY COUNTER]. The "one reset opened" flag is
    //   volatile state: clear it in clearVolatile() and after every other command in process().
  ]);

  constructor(profile: CardProfile, options: VirtualJpkiCardOptions = {}) {
    // Parse a deep copy: validates, fills defaults, and the caller's object can no longer change the card.
    this.state = CardProfile.parse(structuredClone(profile));
    this.persist = options.persist ?? (async () => {});
    this.atr = fromHex(this.state.atr);
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
    return this.atr.slice();
  }

  powerOff(): void {
    this.powered = false;
    this.clearVolatile();
  }

  /** Warm reset: same volatile state as after power on; returns the ATR. */
  reset(): Uint8Array {
    return this.powerOn();
  }

  /**
   * Processes one command APDU. Always resolves with a response (status word at least), except when
   * `persist` fails: then it rejects, because answering would let a counter change be lost.
   */
  transmit(apdu: Uint8Array): Promise<Uint8Array> {
    const command = apdu.slice();
    const run = this.queue.then(() => this.process(command));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async process(apdu: Uint8Array): Promise<Uint8Array> {
    if (!this.powered) return new Uint8Array(0);
    const result = this.execute(apdu);
    if (result.persist) await this.persist(structuredClone(this.state));
    return buildResponse(result.sw, result.data);
  }

  private execute(apdu: Uint8Array): Result {
    const command = parseCommand(apdu);
    if (command === undefined) return status(SW.WRONG_LENGTH);
    if (command.cla !== 0x00 && command.cla !== 0x80) return status(SW.CLA_NOT_SUPPORTED);
    const handler = this.commands.get((command.cla << 8) | command.ins);
    if (handler === undefined) {
      const knownUnderOtherClass = [...this.commands.keys()].some((key) => (key & 0xff) === command.ins);
      return status(knownUnderOtherClass ? SW.CLA_NOT_SUPPORTED : SW.INS_NOT_SUPPORTED);
    }
    try {
      return handler(command);
    } catch {
      // A card never throws: an internal failure is a status word.
      return status(SW.UNKNOWN_ERROR);
    }
  }

  private clearVolatile(): void {
    this.application = undefined;
    this.currentEf = undefined;
    this.verified.clear();
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
    // Bytes → string one to one, so that a non-ASCII byte can never pass the ASCII-only format rules.
    const newPin = String.fromCharCode(...c.data);
    if (!PIN_FORMAT[ef.pin](newPin)) return status(SW.WRONG_DATA);
    const record = this.pinRecord(ef.pin);
    record.pin = newPin;
    record.triesLeft = MAX_TRIES[ef.pin];
    return { sw: SW.OK, persist: true };
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
    return { sw: SW.OK, data: new Uint8Array(randomBytes(c.le)) };
  }
}
