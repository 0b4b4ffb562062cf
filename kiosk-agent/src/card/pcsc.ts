import type { Logger } from 'pino';
import { KioskError } from '../errors';
import { describePcscError, isServiceLost, toKioskError } from './pcsc-errors';
import { loadPcsclite, type NativeContext, type NativeReader, type PcscliteFactory } from './pcsc-native';
import { ReaderSlot, type NativeCall } from './pcsc-slot';
import type { CardConnection, CardReader, ReaderEvent } from './reader';

/**
 * A CardReader over PC/SC (pcscd) through the `pcsclite` native addon, loaded lazily so the rest of the
 * agent runs where libpcsclite is missing. What it adds to the addon (measured behaviour in
 * /work/shared/notes/virtual-reader.md):
 *
 * - picks a reader by name pattern (or the first), follows hot-plug, and turns status bits into
 *   'present' / 'empty' / 'unavailable' events, emitted only on change;
 * - exclusive connections, one at a time, with a timeout on every call (PC/SC has none; a hung card never
 *   answers) — see ReaderSlot;
 * - every PC/SC failure as a KioskError with a stable code (pcsc-errors.ts);
 * - a response shorter than 2 bytes is an error: CARD_REMOVED when pcscd then reports the card gone (a card
 *   dying mid-APDU makes vpcd answer "success" with 0 bytes), else CARD_UNREADABLE;
 * - pcscd restarts: the old context is dead for good, so it is dropped, 'unavailable' is reported, and a new
 *   context is created with back-off until pcscd answers again and the readers are enumerated anew;
 * - close() releases every handle and thread, so the process can exit.
 *
 * One hazard of the addon that callers must know: it takes a per-reader lock on the main thread to deliver a
 * status change, and holds the same lock on a pool thread for the whole of a native call. A status change
 * during an APDU therefore blocks the main thread until that APDU returns (milliseconds on a healthy card).
 * A card answered by this same process (an in-process VpcdClient) would deadlock if that happened; with vpcd,
 * status changes only come with insertion and removal, which cannot coincide with an answered APDU, so tests
 * may do it, but the kiosk's virtual card runs as its own process (the vcard CLI).
 */

export type ReaderPresence = ReaderEvent['type'];

export interface PcscReaderOptions {
  /** Which reader to use: a RegExp, or a substring of its name. Default: the first reader listed. */
  reader?: string | RegExp;
  /** Per-APDU timeout when transmit gets none. */
  defaultTimeoutMs?: number;
  /** Timeout for powering the card and opening the connection. */
  connectTimeoutMs?: number;
  /** After a short response, how long to wait for pcscd to report the card gone (it polls every 400 ms). */
  removalGraceMs?: number;
  /** Back-off between attempts to reach pcscd, doubling from min to max. */
  retryDelayMs?: { min: number; max: number };
  /** How long open() waits for the first presence report before resolving anyway. */
  openWaitMs?: number;
  logger?: Pick<Logger, 'warn' | 'info'>;
  /** The addon's factory; default: `import('pcsclite')`. Tests may pass a fake. */
  pcsclite?: PcscliteFactory;
}

const DEFAULTS = {
  defaultTimeoutMs: 10_000,
  connectTimeoutMs: 5_000,
  removalGraceMs: 1_000,
  retryDelayMs: { min: 100, max: 2_000 },
  openWaitMs: 1_000,
};
/** Short APDUs only (the driver never sends extended ones): 256 data bytes + SW1 SW2. */
const MAX_RESPONSE_LENGTH = 258;
const DISCONNECT_TIMEOUT_MS = 2_000;

type Settings = typeof DEFAULTS;

/**
 * Powers the card and opens an exclusive T=1 (or T=0) connection. `abandoned` is asked once the addon answers:
 * if the caller has given up meanwhile (timeout), nobody owns the handle and it is released at once.
 */
function connectCall(abandoned: () => boolean): NativeCall<number> {
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
const disconnectCall: NativeCall<void> = (native, done) => {
  if (native.connected) native.disconnect(native.SCARD_UNPOWER_CARD, (error) => done(error));
  else done(undefined);
};

export class PcscReader implements CardReader {
  private readonly settings: Settings;
  private readonly listeners = new Set<(event: ReaderEvent) => void>();
  private readonly logger: PcscReaderOptions['logger'];
  private readonly pattern: string | RegExp | undefined;
  /** Bumped whenever the context is dropped: callbacks of older contexts are ignored. */
  private generation = 0;
  private context: NativeContext | undefined;
  private contextStarted: Promise<void> = Promise.resolve();
  private slots = new Map<string, ReaderSlot>();
  private selected: ReaderSlot | undefined;
  private current: ReaderPresence = 'unavailable';
  private connection: PcscConnection | undefined;
  private connecting = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryDelay: number;
  /** Slots and contexts being closed; close() waits for them. */
  private readonly retiring = new Set<Promise<void>>();
  private closed = false;

  private constructor(
    private readonly factory: PcscliteFactory,
    options: PcscReaderOptions,
  ) {
    this.settings = {
      defaultTimeoutMs: options.defaultTimeoutMs ?? DEFAULTS.defaultTimeoutMs,
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
      removalGraceMs: options.removalGraceMs ?? DEFAULTS.removalGraceMs,
      retryDelayMs: options.retryDelayMs ?? DEFAULTS.retryDelayMs,
      openWaitMs: options.openWaitMs ?? DEFAULTS.openWaitMs,
    };
    this.logger = options.logger;
    this.pattern = options.reader;
    this.retryDelay = this.settings.retryDelayMs.min;
  }

  /**
   * Loads the addon and starts watching pcscd. Resolves once the reader's presence is known, or after
   * `openWaitMs` (pcscd down, no matching reader: the reader then reports 'unavailable' and keeps trying).
   * Rejects with READER_UNAVAILABLE only when the addon cannot be loaded at all.
   */
  static async open(options: PcscReaderOptions = {}): Promise<PcscReader> {
    const factory = options.pcsclite ?? (await loadPcsclite());
    const reader = new PcscReader(factory, options);
    reader.createContext();
    await reader.whenPresence(['present', 'empty'], reader.settings.openWaitMs);
    return reader;
  }

  /** The chosen reader's name; before one is found, the pattern asked for. */
  get name(): string {
    return this.selected?.name ?? (this.pattern === undefined ? '' : String(this.pattern));
  }

  get cardPresent(): boolean {
    return this.current === 'present';
  }

  get presence(): ReaderPresence {
    return this.current;
  }

  onEvent(listener: (event: ReaderEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Resolves true as soon as the presence is one of `wanted` (at once if it already is), false on timeout. */
  whenPresence(wanted: ReaderPresence | ReaderPresence[], timeoutMs: number): Promise<boolean> {
    const accepted = Array.isArray(wanted) ? wanted : [wanted];
    if (accepted.includes(this.current)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        unsubscribe();
        resolve(false);
      }, timeoutMs);
      const unsubscribe = this.onEvent((event) => {
        if (!accepted.includes(event.type)) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(true);
      });
    });
  }

  async connect(): Promise<CardConnection> {
    if (this.closed) throw new KioskError('READER_UNAVAILABLE', 'reader is closed');
    const slot = this.selected;
    if (slot === undefined) throw new KioskError('READER_UNAVAILABLE', `no PC/SC reader ${this.name}`.trim());
    if (slot.presence !== 'present') throw new KioskError('CARD_REMOVED', 'no card in the reader');
    // Exclusive access, like the emulator: one connection at a time.
    if (this.connection !== undefined || this.connecting) {
      throw new KioskError('INVALID_STATE', 'reader already connected');
    }
    this.connecting = true;
    const generation = this.generation;
    let abandoned = false;
    try {
      const protocol = await slot.run(
        'connect',
        connectCall(() => abandoned),
        this.settings.connectTimeoutMs,
      );
      if (generation !== this.generation || this.closed) {
        await slot.defer(disconnectCall);
        throw new KioskError('READER_UNAVAILABLE', 'pcscd went away while connecting');
      }
      slot.session += 1;
      const connection = new PcscConnection(slot, slot.session, protocol, slot.atr.slice(), this.settings, {
        mapError: (error, operation) => this.mapError(error, operation, generation),
        waitForRemoval: (ms) => this.whenPresence(['empty', 'unavailable'], ms),
        release: (released) => {
          if (this.connection === released) this.connection = undefined;
        },
      });
      this.connection = connection;
      return connection;
    } catch (error) {
      abandoned = true;
      throw this.mapError(error, 'connect', generation);
    } finally {
      this.connecting = false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    await this.connection?.disconnect();
    this.dropContext();
    await Promise.all(this.retiring);
    this.setPresence('unavailable');
    this.listeners.clear();
  }

  // --- context and readers -------------------------------------------------------------------------------

  private createContext(): void {
    this.retryTimer = undefined;
    if (this.closed) return;
    let context: NativeContext;
    try {
      // Throws at once when pcscd is not running (SCARD_E_NO_SERVICE).
      context = this.factory();
    } catch (error) {
      this.logger?.warn(
        { event: 'pcsc.unreachable', error: describePcscError(error) },
        'pcscd not reachable',
      );
      this.scheduleRetry();
      return;
    }
    const generation = ++this.generation;
    this.context = context;
    // The addon starts its hot-plug thread on the next tick; closing before that would leave it running.
    this.contextStarted = new Promise((resolve) => process.nextTick(resolve));
    context.on('error', (error) => this.onContextError(generation, error));
    context.on('reader', (native) => this.onReader(generation, native));
  }

  private onReader(generation: number, native: NativeReader): void {
    const slot = new ReaderSlot(native, {
      status: (s) => this.onSlotStatus(generation, s),
      error: (s, error) => this.onSlotError(generation, s, error),
      end: (s) => this.onSlotEnd(generation, s),
    });
    if (generation !== this.generation || this.closed) {
      this.retire(slot.close());
      return;
    }
    this.slots.set(slot.name, slot);
    if (this.selected === undefined && this.matches(slot.name)) {
      this.selected = slot;
      this.logger?.info({ event: 'pcsc.reader_selected', reader: slot.name }, 'PC/SC reader selected');
    }
  }

  private onSlotStatus(generation: number, slot: ReaderSlot): void {
    if (generation !== this.generation || this.closed || slot !== this.selected) return;
    const presence = slot.presence;
    if (presence !== 'unavailable') this.retryDelay = this.settings.retryDelayMs.min;
    this.setPresence(presence);
  }

  private onSlotError(generation: number, slot: ReaderSlot, error: Error): void {
    if (generation !== this.generation || this.closed) return;
    if (isServiceLost(error)) {
      this.serviceLost(generation, error);
      return;
    }
    // The addon ends the reader's status thread after any error; 'end' follows and deselects it.
    this.logger?.warn(
      { event: 'pcsc.reader_error', reader: slot.name, error: describePcscError(error) },
      'PC/SC reader status failed',
    );
  }

  private onSlotEnd(generation: number, slot: ReaderSlot): void {
    if (generation !== this.generation || this.closed) return;
    this.slots.delete(slot.name);
    this.retire(slot.close());
    if (slot !== this.selected) return;
    this.logger?.warn({ event: 'pcsc.reader_gone', reader: slot.name }, 'PC/SC reader gone');
    this.selected = [...this.slots.values()].find((other) => this.matches(other.name));
    this.setPresence(this.selected?.presence ?? 'unavailable');
  }

  private onContextError(generation: number, error: Error): void {
    // Closing a context emits SCARD_E_CANCELLED: expected, and the generation is stale by then.
    if (generation !== this.generation || this.closed) return;
    // Any error ends the addon's hot-plug thread: the context is of no more use.
    this.serviceLost(generation, error);
  }

  /** pcscd went away (or the context broke): drop everything, report 'unavailable', try again later. */
  private serviceLost(generation: number, error: unknown): void {
    if (generation !== this.generation || this.closed) return;
    this.logger?.warn(
      { event: 'pcsc.service_lost', error: describePcscError(error) },
      'lost pcscd; re-creating the PC/SC context',
    );
    this.dropContext();
    this.scheduleRetry();
  }

  private dropContext(): void {
    this.generation += 1;
    const context = this.context;
    const slots = [...this.slots.values()];
    this.context = undefined;
    this.slots = new Map();
    this.selected = undefined;
    this.connection?.fail(new KioskError('READER_UNAVAILABLE', 'pcscd went away'));
    this.connection = undefined;
    if (!this.closed) this.setPresence('unavailable');
    const started = this.contextStarted;
    this.retire(
      (async () => {
        await Promise.all(slots.map((slot) => slot.close()));
        if (context !== undefined) {
          await started;
          // A fresh macrotask: never inside one of the addon's callbacks (see ReaderSlot.close).
          await new Promise<void>((resolve) => setImmediate(resolve));
          context.close();
        }
      })(),
    );
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer !== undefined) return;
    const delay = this.retryDelay;
    this.retryDelay = Math.min(this.settings.retryDelayMs.max, this.retryDelay * 2);
    this.retryTimer = setTimeout(() => this.createContext(), delay);
  }

  private retire(closing: Promise<void>): void {
    const tracked = closing.catch((error: unknown) => {
      this.logger?.warn(
        { event: 'pcsc.close_failed', error: describePcscError(error) },
        'PC/SC close failed',
      );
    });
    this.retiring.add(tracked);
    void tracked.finally(() => this.retiring.delete(tracked));
  }

  private matches(name: string): boolean {
    if (this.pattern === undefined) return true;
    return typeof this.pattern === 'string' ? name.includes(this.pattern) : this.pattern.test(name);
  }

  private setPresence(presence: ReaderPresence): void {
    if (presence === this.current) return;
    this.current = presence;
    if (presence !== 'present' && this.connection !== undefined) {
      this.connection.fail(
        presence === 'empty' ? new KioskError('CARD_REMOVED') : new KioskError('READER_UNAVAILABLE'),
      );
      // The owner may never disconnect a dead connection; the next connect must not be refused for it.
      this.connection = undefined;
    }
    for (const listener of [...this.listeners]) {
      try {
        listener({ type: presence });
      } catch (error) {
        // Called from the addon's callbacks: a throw here would be an uncaught exception.
        this.logger?.warn(
          { event: 'pcsc.listener_failed', error: String(error) },
          'reader event listener threw',
        );
      }
    }
  }

  /** Any failure → KioskError; a lost pcscd also starts the recovery. */
  private mapError(error: unknown, operation: string, generation: number): KioskError {
    if (error instanceof KioskError) return error;
    if (isServiceLost(error)) this.serviceLost(generation, error);
    return toKioskError(error, operation);
  }
}

/** What a connection needs from its reader, without reaching into the reader's fields. */
interface ReaderPort {
  mapError(error: unknown, operation: string): KioskError;
  waitForRemoval(timeoutMs: number): Promise<boolean>;
  release(connection: PcscConnection): void;
}

class PcscConnection implements CardConnection {
  private open = true;
  /** Set when the reader saw the card leave or pcscd go away: every later call fails with it. */
  private failure: KioskError | undefined;

  constructor(
    private readonly slot: ReaderSlot,
    private readonly session: number,
    private readonly protocol: number,
    readonly atr: Uint8Array,
    private readonly settings: Settings,
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
