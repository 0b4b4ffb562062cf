import { KioskError } from '../errors';
import type { NativeCall, ReaderSlot } from './pcsc-slot';
import type { CardConnection } from './reader';

/**
 * One exclusive connection to the card in a ReaderSlot: connecting (power on), APDUs with a timeout each,
 * short responses, and releasing the handle (power off). The reader that opened it keeps the rest: presence,
 * pcscd recovery and the mapping of PC/SC failures (pcsc.ts).
 */

/** Short APDUs only (the driver never sends extended ones): 256 data bytes + SW1 SW2. */
const MAX_RESPONSE_LENGTH = 258;
const DISCONNECT_TIMEOUT_MS = 2_000;

export interface ConnectionSettings {
  /** Per-APDU timeout when transmit gets none. */
  defaultTimeoutMs: number;
  /** After a short response, how long to wait for pcscd to report the card gone. */
  removalGraceMs: number;
}

/**
 * Powers the card and opens an exclusive T=1 (or T=0) connection. `abandoned` is asked once the addon answers:
 * if the caller has given up meanwhile (timeout), nobody owns the handle and it is released at once.
 */
export function connectCall(abandoned: () => boolean): NativeCall<number> {
  return (native, done) => {
    const open = () =>
      native.connect(
        {
          share_mode: native.SCARD_SHARE_EXCLUSIVE,
          protocol: native.SCARD_PROTOCOL_T1 | native.SCARD_PROTOCOL_T0,
        },
        (error, protocol) => {
          if (error) {
            done(error);
          } else if (typeof protocol !== 'number') {
            // The addon answers "connected" without a protocol when it believes a handle is still open.
            done(new KioskError('CARD_UNREADABLE', 'connect: no protocol'));
          } else if (abandoned()) {
            native.disconnect(native.SCARD_UNPOWER_CARD, () => done(undefined, protocol));
          } else {
            done(undefined, protocol);
          }
        },
      );
    // A handle left open (e.g. its disconnect failed) would make the addon skip the connect.
    if (native.connected) native.disconnect(native.SCARD_UNPOWER_CARD, () => open());
    else open();
  };
}

/** Unpowers: the next session must never inherit this one's verified PIN. */
export const disconnectCall: NativeCall<void> = (native, done) => {
  if (native.connected) native.disconnect(native.SCARD_UNPOWER_CARD, (error) => done(error));
  else done(undefined);
};

/** What a connection needs from its reader, without reaching into the reader's fields. */
export interface ReaderPort {
  mapError(error: unknown, operation: string): KioskError;
  waitForRemoval(timeoutMs: number): Promise<boolean>;
  release(connection: PcscConnection): void;
}

export class PcscConnection implements CardConnection {
  private open = true;
  /** Set when the reader saw the card leave or pcscd go away: every later call fails with it. */
  private failure: KioskError | undefined;

  constructor(
    private readonly slot: ReaderSlot,
    private readonly session: number,
    private readonly protocol: number,
    readonly atr: Uint8Array,
    private readonly settings: ConnectionSettings,
    private readonly reader: ReaderPort,
  ) {}

  fail(error: KioskError): void {
    this.failure ??= error;
  }

  transmit(command: Uint8Array, options?: { timeoutMs?: number }): Promise<Uint8Array> {
    if (!this.open) return Promise.reject(new KioskError('INVALID_STATE', 'connection is closed'));
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const timeoutMs = options?.timeoutMs ?? this.settings.defaultTimeoutMs;
    const data = Buffer.from(command.buffer, command.byteOffset, command.byteLength);
    // One promise per APDU and no async/await: this is the hot path (test/bench/card-bench.ts).
    return new Promise((resolve, reject) => {
      this.slot.submit<Buffer>(
        'transmit',
        (native, done) => native.transmit(data, MAX_RESPONSE_LENGTH, this.protocol, done),
        timeoutMs,
        (error, response) => {
          if (error !== undefined) return reject(this.reader.mapError(error, 'transmit'));
          // Pulled while the answer was on its way: the answer is lost too (as with the emulator).
          if (this.failure !== undefined) return reject(this.failure);
          if (response === undefined || response.length < 2) {
            return resolve(this.shortResponse(response?.length ?? 0));
          }
          resolve(new Uint8Array(response.buffer, response.byteOffset, response.length));
        },
      );
    });
  }

  /** A card dying mid-APDU makes vpcd answer "success" with 0 bytes; pcscd reports the removal on its next poll. */
  private async shortResponse(length: number): Promise<never> {
    const gone = await this.reader.waitForRemoval(this.settings.removalGraceMs);
    throw gone
      ? new KioskError('CARD_REMOVED', `transmit: response of ${length} bytes, card gone`)
      : new KioskError('CARD_UNREADABLE', `transmit: response of ${length} bytes`);
  }

  async disconnect(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    this.reader.release(this);
    // A newer connection may have replaced this one after a removal: its handle is not ours to close.
    const release: NativeCall<void> = (native, done) =>
      this.slot.session === this.session ? disconnectCall(native, done) : done(undefined);
    if (this.slot.stuck) {
      // Behind a hung call: release the handle when that call returns (the card process dies, the slot frees).
      void this.slot.defer(release);
      return;
    }
    // The card may be gone; the handle is released either way.
    await this.slot.run('disconnect', release, DISCONNECT_TIMEOUT_MS).catch(() => undefined);
  }
}
