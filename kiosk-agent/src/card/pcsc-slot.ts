import { KioskError } from '../errors';
import { SCARD_STATE, type NativeReader, type NativeStatus } from './pcsc-native';
import { Watchdog } from './pcsc-watchdog';
import type { ReaderEvent } from './reader';

/**
 * One PC/SC reader as node-pcsclite exposes it, made safe to drive:
 *
 * - Native calls run one at a time. The addon runs each call on a libuv pool thread holding a per-reader
 *   mutex, so a call behind a hung one would only block a second pool thread (the pool has four, shared with
 *   fs and dns).
 * - Every call has a timeout of our own: PC/SC has none, and a hung card never answers. A call that timed out
 *   leaves the slot "stuck" until the native call returns (when the card process dies); meanwhile new calls
 *   are refused at once and calls still waiting their turn are dropped, never sent late.
 * - close() is careful, because the addon's close() takes the reader's lock on the main thread:
 *   - it waits for the first status report: closing a reader whose status thread has not started yet leaves a
 *     libuv handle open for ever, and the process can never exit;
 *   - it waits until no native call is running: a call holds the same lock in the pool, so closing beside a
 *     hung call would freeze the main thread until the card dies;
 *   - it runs from a fresh macrotask: the addon invokes JS (and runs pending promise jobs) from inside its
 *     status callback while holding that lock, so closing from a promise continuation can self-deadlock.
 */

export type SlotPresence = ReaderEvent['type'];

/** A native call in the addon's callback style; `done` must be called exactly once. */
export type NativeCall<T> = (native: NativeReader, done: (error: unknown, value?: T) => void) => void;

interface Job {
  call: NativeCall<unknown>;
  state: 'queued' | 'running' | 'settled';
  settle: (error: unknown, value?: unknown) => void;
  cancelTimeout: () => void;
}

export interface SlotHandlers {
  status(slot: ReaderSlot): void;
  error(slot: ReaderSlot, error: Error): void;
  end(slot: ReaderSlot): void;
}

/** Bounded waits when closing: long enough for a status thread to start, short enough not to hang close(). */
const READY_WAIT_MS = 2_000;
/** After this, a reader whose native call still hangs is left unclosed (its thread leaks; nothing else works). */
const IDLE_WAIT_MS = 3_000;

function delay(ms: number): { promise: Promise<void>; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return { promise, cancel: () => clearTimeout(timer) };
}

export class ReaderSlot {
  readonly name: string;
  /** The ATR of the card last reported in the reader (empty when none). */
  atr: Uint8Array = new Uint8Array(0);
  /** Counts native connects, so that a stale connection never disconnects a newer session. */
  session = 0;
  private state = 0;
  private statusSeen = false;
  private ended = false;
  private stuckCall = false;
  private closing = false;
  private readonly jobs: Job[] = [];
  private running: Job | undefined;
  private readonly idleWaiters: Array<() => void> = [];
  private readonly watchdog = new Watchdog();
  private signalReady: () => void = () => {};
  private readonly ready: Promise<void>;

  constructor(
    readonly native: NativeReader,
    handlers: SlotHandlers,
  ) {
    this.name = native.name;
    this.ready = new Promise((resolve) => (this.signalReady = resolve));
    native.on('status', (status: NativeStatus) => {
      this.state = status.state;
      if (status.atr !== undefined && status.atr.length > 0) this.atr = new Uint8Array(status.atr);
      this.statusSeen = true;
      this.signalReady();
      handlers.status(this);
    });
    // Always listened to: an 'error' without a listener would crash the process.
    native.on('error', (error: Error) => {
      this.signalReady();
      handlers.error(this, error);
    });
    native.on('end', () => {
      this.ended = true;
      this.signalReady();
      handlers.end(this);
    });
  }

  /** 'unavailable' until the first status report, and for a reader in an unknown or unavailable state. */
  get presence(): SlotPresence {
    if (!this.statusSeen || this.ended) return 'unavailable';
    if ((this.state & SCARD_STATE.PRESENT) !== 0) return 'present';
    if ((this.state & SCARD_STATE.EMPTY) !== 0) return 'empty';
    return 'unavailable';
  }

  /** A native call timed out and has not returned yet. */
  get stuck(): boolean {
    return this.stuckCall;
  }

  /**
   * Runs one native call after the previous ones, rejecting with CARD_TIMEOUT after `timeoutMs` (counted from
   * now, queueing included). `label` names the call in error details.
   */
  run<T>(label: string, call: NativeCall<T>, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) =>
      this.submit(label, call, timeoutMs, (error, value) =>
        error === undefined ? resolve(value as T) : reject(error),
      ),
    );
  }

  /**
   * Like run, without a promise of its own: `settle` is called exactly once, with the result, the addon's error
   * or CARD_TIMEOUT. The per-APDU path; it starts the native call at once when the reader is idle.
   */
  submit<T>(
    label: string,
    call: NativeCall<T>,
    timeoutMs: number,
    settle: (error: unknown, value?: T) => void,
  ): void {
    if (this.closing) return settle(new KioskError('READER_UNAVAILABLE', `${label}: reader closed`));
    if (this.stuckCall) {
      return settle(new KioskError('CARD_TIMEOUT', `${label}: the card never answered an earlier command`));
    }
    const job: Job = {
      call: call as NativeCall<unknown>,
      state: 'queued',
      settle: settle as Job['settle'],
      cancelTimeout: () => {},
    };
    job.cancelTimeout = this.watchdog.start(timeoutMs, () => {
      if (job.state === 'running') this.stuckCall = true;
      job.state = 'settled';
      settle(new KioskError('CARD_TIMEOUT', `${label}: no answer within ${timeoutMs} ms`));
    });
    this.enqueue(job);
  }

  /** Queues a call with no timeout, after whatever is running (e.g. releasing a handle behind a hung call). */
  defer(call: NativeCall<unknown>): Promise<void> {
    return new Promise<void>((resolve) => {
      this.enqueue({ call, state: 'queued', settle: () => resolve(), cancelTimeout: () => {} });
    });
  }

  private enqueue(job: Job): void {
    this.jobs.push(job);
    if (this.running === undefined) this.next();
  }

  private next(): void {
    let job = this.jobs.shift();
    // Timed out while waiting its turn: never sent.
    while (job !== undefined && job.state === 'settled') job = this.jobs.shift();
    this.running = job;
    if (job === undefined) {
      if (this.idleWaiters.length > 0) this.idleWaiters.splice(0).forEach((wake) => wake());
      return;
    }
    job.state = 'running';
    const finish = (error: unknown, value?: unknown) => {
      if (this.running !== job) return; // a second callback from the addon: ignore
      // Calls run one at a time, so the stuck call (if any) is this one.
      this.stuckCall = false;
      if (job.state !== 'settled') {
        job.state = 'settled';
        job.cancelTimeout();
        job.settle(error ?? undefined, value);
      }
      this.next();
    };
    try {
      job.call(this.native, finish);
    } catch (error) {
      finish(error ?? new Error('native call threw'));
    }
  }

  private get busy(): boolean {
    return this.running !== undefined || this.jobs.length > 0;
  }

  /** Stops the status thread; refuses new calls from now on. See the class comment for the care taken. */
  async close(): Promise<void> {
    this.closing = true;
    const readyWait = delay(READY_WAIT_MS);
    await Promise.race([this.ready, readyWait.promise]);
    readyWait.cancel();
    if (this.busy) {
      const idleWait = delay(IDLE_WAIT_MS);
      await Promise.race([new Promise<void>((resolve) => this.idleWaiters.push(resolve)), idleWait.promise]);
      idleWait.cancel();
      if (this.busy) return;
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.native.close();
  }
}
