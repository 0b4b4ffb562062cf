import type { Logger } from 'pino';
import { describePcscError, isServiceLost } from './pcsc-errors';
import type { NativeContext, NativeReader, PcscliteFactory } from './pcsc-native';
import { ReaderSlot, type SlotPresence } from './pcsc-slot';

/**
 * The PC/SC context's lifecycle for PcscReader: creates the context, turns the readers it enumerates (and
 * hot-plugs) into ReaderSlots, selects the one matching the pattern, and survives pcscd restarts: the old
 * context is dead for good, so it is dropped and a new one is created with back-off until pcscd answers again
 * and the readers are enumerated anew. close() releases every slot and the context, so the process can exit.
 *
 * Callbacks of a dropped context are told apart by a generation number and ignored.
 */

export interface ContextOptions {
  factory: PcscliteFactory;
  /** Which reader to use: a RegExp, or a substring of its name. Undefined: the first reader listed. */
  pattern: string | RegExp | undefined;
  /** Back-off between attempts to reach pcscd, doubling from min to max. */
  retryDelayMs: { min: number; max: number };
  logger: Pick<Logger, 'warn' | 'info'> | undefined;
}

export interface ContextHandlers {
  /** The selected reader's presence, reported on every status and selection change (not deduplicated). */
  presence(presence: SlotPresence): void;
  /** The context was dropped (pcscd lost, or closing): an open connection is dead. Before 'unavailable'. */
  dropped(): void;
}

export class PcscContext {
  /** Bumped whenever the context is dropped: callbacks of older contexts are ignored. */
  private currentGeneration = 0;
  private context: NativeContext | undefined;
  private contextStarted: Promise<void> = Promise.resolve();
  private slots = new Map<string, ReaderSlot>();
  private selectedSlot: ReaderSlot | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryDelay: number;
  /** Slots and contexts being closed; close() waits for them. */
  private readonly retiring = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly options: ContextOptions,
    private readonly handlers: ContextHandlers,
  ) {
    this.retryDelay = options.retryDelayMs.min;
  }

  /** Changes whenever the context is dropped: a call started under an older generation is stale. */
  get generation(): number {
    return this.currentGeneration;
  }

  /** The chosen reader, once one matching the pattern is enumerated. */
  get selected(): ReaderSlot | undefined {
    return this.selectedSlot;
  }

  /** Creates the first context; on failure, keeps trying with back-off. */
  start(): void {
    this.createContext();
  }

  /** Stops reacting to the addon and retrying; close() then releases everything. */
  stop(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
  }

  /** Drops the context and waits until every slot and the context are closed. Call stop() first. */
  async close(): Promise<void> {
    this.stop();
    this.dropContext();
    await Promise.all(this.retiring);
  }

  /** pcscd went away (or the context broke): drop everything, report 'unavailable', try again later. */
  serviceLost(generation: number, error: unknown): void {
    if (generation !== this.currentGeneration || this.closed) return;
    this.options.logger?.warn(
      { event: 'pcsc.service_lost', error: describePcscError(error) },
      'lost pcscd; re-creating the PC/SC context',
    );
    this.dropContext();
    this.scheduleRetry();
  }

  private createContext(): void {
    this.retryTimer = undefined;
    if (this.closed) return;
    let context: NativeContext;
    try {
      // Throws at once when pcscd is not running (SCARD_E_NO_SERVICE).
      context = this.options.factory();
    } catch (error) {
      this.options.logger?.warn(
        { event: 'pcsc.unreachable', error: describePcscError(error) },
        'pcscd not reachable',
      );
      this.scheduleRetry();
      return;
    }
    const generation = ++this.currentGeneration;
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
    if (generation !== this.currentGeneration || this.closed) {
      this.retire(slot.close());
      return;
    }
    this.slots.set(slot.name, slot);
    if (this.selectedSlot === undefined && this.matches(slot.name)) {
      this.selectedSlot = slot;
      this.options.logger?.info(
        { event: 'pcsc.reader_selected', reader: slot.name },
        'PC/SC reader selected',
      );
    }
  }

  private onSlotStatus(generation: number, slot: ReaderSlot): void {
    if (generation !== this.currentGeneration || this.closed || slot !== this.selectedSlot) return;
    const presence = slot.presence;
    if (presence !== 'unavailable') this.retryDelay = this.options.retryDelayMs.min;
    this.handlers.presence(presence);
  }

  private onSlotError(generation: number, slot: ReaderSlot, error: Error): void {
    if (generation !== this.currentGeneration || this.closed) return;
    if (isServiceLost(error)) {
      this.serviceLost(generation, error);
      return;
    }
    // The addon ends the reader's status thread after any error; 'end' follows and deselects it.
    this.options.logger?.warn(
      { event: 'pcsc.reader_error', reader: slot.name, error: describePcscError(error) },
      'PC/SC reader status failed',
    );
  }

  private onSlotEnd(generation: number, slot: ReaderSlot): void {
    if (generation !== this.currentGeneration || this.closed) return;
    this.slots.delete(slot.name);
    this.retire(slot.close());
    if (slot !== this.selectedSlot) return;
    this.options.logger?.warn({ event: 'pcsc.reader_gone', reader: slot.name }, 'PC/SC reader gone');
    this.selectedSlot = [...this.slots.values()].find((other) => this.matches(other.name));
    this.handlers.presence(this.selectedSlot?.presence ?? 'unavailable');
  }

  private onContextError(generation: number, error: Error): void {
    // Closing a context emits SCARD_E_CANCELLED: expected, and the generation is stale by then.
    if (generation !== this.currentGeneration || this.closed) return;
    // Any error ends the addon's hot-plug thread: the context is of no more use.
    this.serviceLost(generation, error);
  }

  private dropContext(): void {
    this.currentGeneration += 1;
    const context = this.context;
    const slots = [...this.slots.values()];
    this.context = undefined;
    this.slots = new Map();
    this.selectedSlot = undefined;
    this.handlers.dropped();
    if (!this.closed) this.handlers.presence('unavailable');
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
    this.retryDelay = Math.min(this.options.retryDelayMs.max, this.retryDelay * 2);
    this.retryTimer = setTimeout(() => this.createContext(), delay);
  }

  private retire(closing: Promise<void>): void {
    const tracked = closing.catch((error: unknown) => {
      this.options.logger?.warn(
        { event: 'pcsc.close_failed', error: describePcscError(error) },
        'PC/SC close failed',
      );
    });
    this.retiring.add(tracked);
    void tracked.finally(() => this.retiring.delete(tracked));
  }

  private matches(name: string): boolean {
    const pattern = this.options.pattern;
    if (pattern === undefined) return true;
    return typeof pattern === 'string' ? name.includes(pattern) : pattern.test(name);
  }
}
