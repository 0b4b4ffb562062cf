import type { Logger } from 'pino';
import { KioskError } from '../errors';
import { PcscConnection, connectCall, disconnectCall } from './pcsc-connection';
import { PcscContext } from './pcsc-context';
import { isServiceLost, toKioskError } from './pcsc-errors';
import { loadPcsclite, type PcscliteFactory } from './pcsc-native';
import type { CardConnection, CardReader, ReaderEvent } from './reader';

/**
 * A CardReader over PC/SC (pcscd) through the `pcsclite` native addon, loaded lazily so the rest of the
 * agent runs where libpcsclite is missing. What it adds to the addon (measured behaviour in
 * /work/shared/notes/virtual-reader.md):
 *
 * - picks a reader by name pattern (or the first), follows hot-plug, and turns status bits into
 *   'present' / 'empty' / 'unavailable' events, emitted only on change;
 * - exclusive connections, one at a time, with a timeout on every call (PC/SC has none; a hung card never
 *   answers) — see ReaderSlot and PcscConnection (pcsc-connection.ts);
 * - every PC/SC failure as a KioskError with a stable code (pcsc-errors.ts);
 * - a response shorter than 2 bytes is an error: CARD_REMOVED when pcscd then reports the card gone (a card
 *   dying mid-APDU makes vpcd answer "success" with 0 bytes), else CARD_UNREADABLE;
 * - pcscd restarts: the old context is dead for good, so it is dropped, 'unavailable' is reported, and a new
 *   context is created with back-off until pcscd answers again and the readers are enumerated anew — see
 *   PcscContext (pcsc-context.ts);
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

type Settings = typeof DEFAULTS;

export class PcscReader implements CardReader {
  private readonly settings: Settings;
  private readonly listeners = new Set<(event: ReaderEvent) => void>();
  private readonly logger: PcscReaderOptions['logger'];
  private readonly pattern: string | RegExp | undefined;
  private readonly context: PcscContext;
  private current: ReaderPresence = 'unavailable';
  private connection: PcscConnection | undefined;
  private connecting = false;
  private closed = false;

  private constructor(factory: PcscliteFactory, options: PcscReaderOptions) {
    this.settings = {
      defaultTimeoutMs: options.defaultTimeoutMs ?? DEFAULTS.defaultTimeoutMs,
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
      removalGraceMs: options.removalGraceMs ?? DEFAULTS.removalGraceMs,
      retryDelayMs: options.retryDelayMs ?? DEFAULTS.retryDelayMs,
      openWaitMs: options.openWaitMs ?? DEFAULTS.openWaitMs,
    };
    this.logger = options.logger;
    this.pattern = options.reader;
    this.context = new PcscContext(
      { factory, pattern: this.pattern, retryDelayMs: this.settings.retryDelayMs, logger: this.logger },
      {
        presence: (presence) => this.setPresence(presence),
        dropped: () => {
          this.connection?.fail(new KioskError('READER_UNAVAILABLE', 'pcscd went away'));
          this.connection = undefined;
        },
      },
    );
  }

  /**
   * Loads the addon and starts watching pcscd. Resolves once the reader's presence is known, or after
   * `openWaitMs` (pcscd down, no matching reader: the reader then reports 'unavailable' and keeps trying).
   * Rejects with READER_UNAVAILABLE only when the addon cannot be loaded at all.
   */
  static async open(options: PcscReaderOptions = {}): Promise<PcscReader> {
    const factory = options.pcsclite ?? (await loadPcsclite());
    const reader = new PcscReader(factory, options);
    reader.context.start();
    await reader.whenPresence(['present', 'empty'], reader.settings.openWaitMs);
    return reader;
  }

  /** The chosen reader's name; before one is found, the pattern asked for. */
  get name(): string {
    return this.context.selected?.name ?? (this.pattern === undefined ? '' : String(this.pattern));
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
    const slot = this.context.selected;
    if (slot === undefined) throw new KioskError('READER_UNAVAILABLE', `no PC/SC reader ${this.name}`.trim());
    if (slot.presence !== 'present') throw new KioskError('CARD_REMOVED', 'no card in the reader');
    // Exclusive access, like the emulator: one connection at a time.
    if (this.connection !== undefined || this.connecting) {
      throw new KioskError('INVALID_STATE', 'reader already connected');
    }
    this.connecting = true;
    const generation = this.context.generation;
    let abandoned = false;
    try {
      const protocol = await slot.run(
        'connect',
        connectCall(() => abandoned),
        this.settings.connectTimeoutMs,
      );
      if (generation !== this.context.generation || this.closed) {
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
    this.context.stop();
    await this.connection?.disconnect();
    await this.context.close();
    this.setPresence('unavailable');
    this.listeners.clear();
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
    if (isServiceLost(error)) this.context.serviceLost(generation, error);
    return toKioskError(error, operation);
  }
}
