import type { KeyObject } from 'node:crypto';
import { buildResponse, fromHex, parseCommand, SW, toHex, type ParsedCommand } from '../apdu';
import { buildFiles, readBinary } from './card-files';
import { status, type Application, type CardState, type PinId, type Result } from './card-state';
import { changePin, verify } from './pin-commands';
import { externalAuthenticate, getChallenge, resetRetryCounter } from './pin-reset-commands';
import { CardProfile } from './profile';
import { sign } from './sign-command';

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

type Handler = (command: ParsedCommand, openReset: PinId | undefined) => Result;

const APPLICATIONS: ReadonlyMap<string, Application> = new Map([
  [JPKI_AID, 'jpki'],
  [CARD_TEXT_AID, 'cardText'],
  [CARD_FACE_AID, 'cardFace'],
]);

export class VirtualJpkiCard {
  /** Profile, EFs and volatile state, shared with the command modules. */
  private readonly state: CardState;
  private readonly persist: PersistProfile;
  private readonly keys = new Map<PinId, KeyObject>();
  private readonly atr: Uint8Array;
  /** K_card, which EXTERNAL AUTHENTICATE tokens are checked with. */
  private readonly managementKey: Uint8Array;

  private powered = false;
  /** Serialises APDUs: each one sees the state the previous one left, persistence included. */
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * Dispatch by CLA‖INS. SELECT is here (it clears the volatile state); READ BINARY is in card-files, VERIFY and
   * CHANGE PIN in pin-commands, the PIN-reset commands in pin-reset-commands, SIGN in sign-command.
   */
  private readonly commands: ReadonlyMap<number, Handler> = new Map<number, Handler>([
    [0x00a4, (c) => this.select(c)],
    [0x00b0, (c) => readBinary(c, this.state)],
    [0x0020, (c) => verify(c, this.state)],
    [0x0024, (c) => changePin(c, this.state)],
    [0x0084, (c) => getChallenge(c, this.state)],
    [0x802a, (c) => sign(c, this.state, this.keys)],
    [0x0082, (c) => externalAuthenticate(c, this.state, this.managementKey)],
    [0x002c, (c, openReset) => resetRetryCounter(c, this.state, openReset)],
  ]);

  constructor(profile: CardProfile, options: VirtualJpkiCardOptions = {}) {
    // Parse a deep copy: validates, fills defaults, and the caller's object can no longer change the card.
    const parsed = CardProfile.parse(structuredClone(profile));
    this.persist = options.persist ?? (async () => {});
    this.atr = fromHex(parsed.atr);
    this.managementKey = new Uint8Array(Buffer.from(parsed.managementKey, 'base64'));
    this.state = {
      profile: parsed,
      files: buildFiles(parsed),
      application: undefined,
      currentEf: undefined,
      verified: new Set(),
      nonce: undefined,
      openReset: undefined,
    };
  }

  /** A snapshot of the card's persistent data (retry counters and PINs as they are now). */
  get profile(): CardProfile {
    return structuredClone(this.state.profile);
  }

  get isPowered(): boolean {
    return this.powered;
  }

  /** Cold reset: powers the card and returns its ATR. */
  powerOn(): Uint8Array {
    this.powered = true;
    this.clearVolatile();
    this.state.nonce = undefined;
    return this.atr.slice();
  }

  powerOff(): void {
    this.powered = false;
    this.clearVolatile();
    this.state.nonce = undefined;
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
    const openReset = this.state.openReset;
    this.state.openReset = undefined;
    const result = this.execute(apdu, openReset);
    if (result.commit !== undefined) {
      try {
        await this.persist(structuredClone(result.commit));
      } catch {
        // Nothing was adopted: the old PIN and counter stay, on the card as (atomically) on disk.
        return buildResponse(SW.MEMORY_FAILURE);
      }
      this.state.profile = result.commit;
    } else if (result.persist) {
      await this.persist(structuredClone(this.state.profile));
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
    this.state.application = undefined;
    this.state.currentEf = undefined;
    this.state.verified.clear();
    this.state.openReset = undefined;
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
    this.state.application = application;
    return status(SW.OK);
  }

  private selectFile(fid: Uint8Array): Result {
    if (fid.length !== 2) return status(SW.WRONG_LENGTH);
    const id = toHex(fid);
    if (this.state.application !== 'jpki' || !this.state.files.has(id)) return status(SW.FILE_NOT_FOUND);
    this.state.currentEf = id;
    return status(SW.OK);
  }
}
