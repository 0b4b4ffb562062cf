import { connect, type Socket } from 'node:net';
import { fromHex } from '../apdu';
import type { VirtualJpkiCard } from '../emulator/virtual-card';
import { encodeFrame, FrameDecoder, VPCD_DEFAULT_HOST, VpcdControl, vpcdPort } from './protocol';

/**
 * Puts a virtual card into a real PC/SC reader: connects to vsmartcard-vpcd (loaded by pcscd) and answers
 * its messages, so that pcscd, libpcsclite, the `pcsclite` addon and any other PC/SC client (OpenSC) see a
 * card. Connected = the card is in the reader; closing the connection = pulling it out. The connection is
 * re-opened after pcscd restarts or refuses us (the card stays "in the reader" across a daemon restart).
 * vpcd serves one card per slot: a second client's connection is accepted by the kernel (so it reports
 * 'connected') but waits, unserved, until the first card leaves.
 *
 * Run it in its own process (the vcard CLI) beside an agent: sharing the main thread with a PcscReader is safe
 * only as long as no reader status change arrives during an APDU (see the hazard noted in pcsc.ts).
 */

/** What vpcd drives. VirtualJpkiCard fits; tests wrap it to hang or die at a chosen command. */
export interface VpcdCard {
  powerOn(): Uint8Array;
  powerOff(): void;
  reset(): Uint8Array;
  /** Resolves with the response APDU; a rejection makes the card go mute (the connection is dropped). */
  transmit(apdu: Uint8Array): Promise<Uint8Array>;
}

export type VpcdClientEvent =
  | { type: 'connected' }
  | { type: 'disconnected'; error?: Error }
  /** transmit rejected (e.g. the profile could not be saved): the card dropped the connection, unanswered. */
  | { type: 'card-failed'; error: unknown };

export interface VpcdClientOptions {
  /** Answered to GET ATR. Constant for a card, whether powered or not. */
  atr: Uint8Array;
  host?: string;
  /** vpcd slot (0 → port 35963, 1 → 35964); ignored when `port` is given. */
  slot?: number;
  port?: number;
  /** Re-open the connection when it closes or cannot be opened (default true). */
  reconnect?: boolean;
  /** Back-off between attempts, doubling from min to max. */
  reconnectDelayMs?: { min: number; max: number };
}

const DEFAULT_RECONNECT = { min: 50, max: 1_000 };

export class VpcdClient {
  readonly host: string;
  readonly port: number;
  private readonly atr: Uint8Array;
  private readonly reconnect: boolean;
  private readonly delays: { min: number; max: number };
  private readonly listeners = new Set<(event: VpcdClientEvent) => void>();
  private socket: Socket | undefined;
  private isConnected = false;
  private running = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private nextDelay: number;

  constructor(
    private readonly card: VpcdCard,
    options: VpcdClientOptions,
  ) {
    this.atr = options.atr.slice();
    this.host = options.host ?? VPCD_DEFAULT_HOST;
    this.port = options.port ?? vpcdPort(options.slot ?? 0);
    this.reconnect = options.reconnect ?? true;
    this.delays = options.reconnectDelayMs ?? DEFAULT_RECONNECT;
    this.nextDelay = this.delays.min;
  }

  /** A client for a VirtualJpkiCard, answering GET ATR with the card profile's ATR. */
  static forCard(card: VirtualJpkiCard, options: Omit<VpcdClientOptions, 'atr'> = {}): VpcdClient {
    return new VpcdClient(card, { ...options, atr: fromHex(card.profile.atr) });
  }

  /** Whether vpcd holds our connection now (pcscd notices within one 400 ms poll). */
  get connected(): boolean {
    return this.isConnected;
  }

  onEvent(listener: (event: VpcdClientEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Starts connecting (and, unless disabled, keeps reconnecting). No-op when already started. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.nextDelay = this.delays.min;
    this.open();
  }

  /** Pulls the card: closes the connection for good and stops reconnecting. Safe to call twice. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const socket = this.socket;
    if (socket === undefined) return;
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.destroy();
    await closed;
  }

  private open(): void {
    // noDelay: each reply is one write, and it must leave at once (pcscd waits for it synchronously).
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    this.socket = socket;
    const decoder = new FrameDecoder();
    // One handler chain per connection, so replies leave in request order; a hung transmit blocks only it.
    let chain: Promise<void> = Promise.resolve();
    let failure: Error | undefined;

    socket.on('connect', () => {
      this.isConnected = true;
      this.nextDelay = this.delays.min;
      this.emit({ type: 'connected' });
    });
    socket.on('data', (chunk: Buffer) => {
      for (const frame of decoder.push(chunk)) {
        chain = chain.then(() => this.handle(socket, frame));
      }
    });
    socket.on('error', (error) => {
      failure = error;
    });
    socket.on('close', () => {
      if (this.socket === socket) this.socket = undefined;
      const wasConnected = this.isConnected;
      this.isConnected = false;
      // Out of the reader: volatile state (selected AP, verified PINs) is gone, as on a real card.
      this.card.powerOff();
      if (wasConnected)
        this.emit(failure ? { type: 'disconnected', error: failure } : { type: 'disconnected' });
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    if (!this.running || !this.reconnect) return;
    const delay = this.nextDelay;
    this.nextDelay = Math.min(this.delays.max, this.nextDelay * 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.running) this.open();
    }, delay);
  }

  private async handle(socket: Socket, payload: Uint8Array): Promise<void> {
    if (socket.destroyed) return;
    if (payload.length === 1) {
      switch (payload[0]) {
        case VpcdControl.POWER_OFF:
          this.card.powerOff();
          return;
        case VpcdControl.POWER_ON:
          this.card.powerOn();
          return;
        case VpcdControl.RESET:
          this.card.reset();
          return;
        case VpcdControl.GET_ATR:
          socket.write(encodeFrame(this.atr));
          return;
        default:
          // Unknown control byte: vpcd 3.3 sends none other; answering would desynchronise the stream.
          return;
      }
    }
    let response: Uint8Array;
    try {
      response = await this.card.transmit(payload);
    } catch (error) {
      this.emit({ type: 'card-failed', error });
      socket.destroy();
      return;
    }
    if (!socket.destroyed) socket.write(encodeFrame(response));
  }

  private emit(event: VpcdClientEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A listener's failure must not break the card's connection handling.
      }
    }
  }
}
