import { KioskError } from '../errors';
import type { VirtualJpkiCard } from './emulator/virtual-card';
import type { CardConnection, CardReader, ReaderEvent } from './reader';

/**
 * An in-process CardReader holding one VirtualJpkiCard. It reproduces the faults a PC/SC reader shows
 * (removal mid-APDU, a hung card, a short response) so that the driver's error handling is tested here and
 * not first on a kiosk.
 */

export interface EmulatorReaderOptions {
  name?: string;
  /** Used when transmit gets no timeoutMs. A real JPKI RSA signature takes well under a second. */
  defaultTimeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** One card insertion: `removed` resolves when that card leaves the reader (a signal, never a rejection). */
interface Insertion {
  card: VirtualJpkiCard;
  removed: Promise<void>;
  signalRemoved: () => void;
}

export class EmulatorReader implements CardReader {
  readonly name: string;
  private readonly defaultTimeoutMs: number;
  private readonly listeners = new Set<(event: ReaderEvent) => void>();
  private insertion: Insertion | undefined;
  private connection: EmulatorConnection | undefined;
  private hung = false;
  private closed = false;

  /** A string is taken as the reader's name. */
  constructor(options: EmulatorReaderOptions | string = {}) {
    if (typeof options === 'string') options = { name: options };
    this.name = options.name ?? 'Emulator Reader 0';
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  get cardPresent(): boolean {
    return this.insertion !== undefined;
  }

  /** The card in the reader, if any. */
  get card(): VirtualJpkiCard | undefined {
    return this.insertion?.card;
  }

  /** Puts a card in the reader (unpowered). Throws when a card is already there or the reader is closed. */
  insert(card: VirtualJpkiCard): void {
    if (this.closed) throw new Error('reader is closed');
    if (this.insertion !== undefined) throw new Error('a card is already in the reader');
    let signalRemoved = () => {};
    const removed = new Promise<void>((resolve) => (signalRemoved = resolve));
    card.powerOff();
    this.insertion = { card, removed, signalRemoved };
    this.emit({ type: 'present' });
  }

  /** Pulls the card out: it loses power, open connections fail with CARD_REMOVED. No-op when empty. */
  remove(): void {
    const insertion = this.insertion;
    if (insertion === undefined) return;
    this.insertion = undefined;
    this.connection = undefined;
    insertion.card.powerOff();
    insertion.signalRemoved();
    this.emit({ type: 'empty' });
  }

  /** Test hook: while hung, the card never answers (transmit ends only by timeout or removal). */
  setHung(hung: boolean): void {
    this.hung = hung;
  }

  get isHung(): boolean {
    return this.hung;
  }

  onEvent(listener: (event: ReaderEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  async connect(): Promise<CardConnection> {
    if (this.closed) throw new KioskError('READER_UNAVAILABLE', 'reader is closed');
    const insertion = this.insertion;
    if (insertion === undefined) throw new KioskError('CARD_REMOVED', 'no card in the reader');
    // Exclusive access, like PC/SC's default share mode.
    if (this.connection !== undefined) throw new KioskError('INVALID_STATE', 'reader already connected');
    const atr = insertion.card.powerOn();
    const connection: EmulatorConnection = new EmulatorConnection(atr, insertion, {
      isInserted: () => this.insertion === insertion,
      isHung: () => this.hung,
      timeoutMs: (requested) => requested ?? this.defaultTimeoutMs,
      release: () => {
        if (this.connection === connection) this.connection = undefined;
      },
    });
    this.connection = connection;
    return connection;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.connection?.disconnect();
    this.closed = true;
    this.emit({ type: 'unavailable' });
    this.listeners.clear();
  }

  private emit(event: ReaderEvent): void {
    // State is updated before listeners run, so a throwing listener cannot corrupt the reader; every
    // listener is still told, then the first error surfaces.
    let failure: { error: unknown } | undefined;
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure !== undefined) throw failure.error;
  }
}

/** What a connection needs to know about its reader, without reaching into the reader's fields. */
interface ReaderPort {
  isInserted(): boolean;
  isHung(): boolean;
  timeoutMs(requested: number | undefined): number;
  release(): void;
}

class EmulatorConnection implements CardConnection {
  private open = true;

  constructor(
    readonly atr: Uint8Array,
    private readonly insertion: Insertion,
    private readonly reader: ReaderPort,
  ) {}

  async transmit(command: Uint8Array, options?: { timeoutMs?: number }): Promise<Uint8Array> {
    if (!this.open) throw new KioskError('INVALID_STATE', 'connection is closed');
    if (!this.reader.isInserted()) throw new KioskError('CARD_REMOVED');

    const timeoutMs = this.reader.timeoutMs(options?.timeoutMs);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new KioskError('CARD_TIMEOUT', `no answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    const removed = this.insertion.removed.then((): never => {
      throw new KioskError('CARD_REMOVED');
    });
    // A hung card never answers: only removal or the timeout end the wait.
    const answered = this.reader.isHung()
      ? new Promise<never>(() => {})
      : this.insertion.card.transmit(command).catch((error: unknown): never => {
          throw new KioskError('CARD_UNREADABLE', 'card failed to answer', { cause: error });
        });

    let response: Uint8Array;
    try {
      response = await Promise.race([removed, timedOut, answered]);
    } finally {
      clearTimeout(timer);
      // The losers of the race may settle later; nobody waits for them.
      removed.catch(() => undefined);
      timedOut.catch(() => undefined);
      answered.catch(() => undefined);
    }
    // Pulled after answering but before the answer was delivered: the answer is lost too (the contract:
    // once removed, a pending transmit rejects).
    if (!this.reader.isInserted()) throw new KioskError('CARD_REMOVED');
    if (response.length < 2) throw new KioskError('CARD_UNREADABLE', `response of ${response.length} bytes`);
    return response;
  }

  async disconnect(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    this.reader.release();
    if (this.reader.isInserted()) this.insertion.card.powerOff();
  }
}
