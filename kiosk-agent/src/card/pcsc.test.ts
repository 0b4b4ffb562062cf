import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { KioskError } from '../errors';
import { PcscReader } from './pcsc';
import type { NativeContext, NativeStatus } from './pcsc-native';
import type { ReaderEvent } from './reader';

/**
 * PcscReader's own logic against a scripted stand-in for the addon (the real stack is exercised in
 * test/devices/pcsc.test.ts): selection, hot-plug, timeouts, short responses, losing pcscd.
 */

const PRESENT = 0x20;
const EMPTY = 0x10;
const ATR = Buffer.from('3BE000FF8131FE4514', 'hex');

type TransmitCallback = (error: Error | null, response: Buffer) => void;

class FakeReader extends EventEmitter {
  readonly SCARD_SHARE_EXCLUSIVE = 1;
  readonly SCARD_PROTOCOL_T0 = 1;
  readonly SCARD_PROTOCOL_T1 = 2;
  readonly SCARD_UNPOWER_CARD = 2;
  connected = false;
  closed = false;
  /** How the next transmit answers; 'hang' keeps the callback for the test to call later. */
  answer: Buffer | Error | 'hang' = Buffer.from('9000', 'hex');
  pending: TransmitCallback | undefined;
  transmits = 0;

  constructor(readonly name: string) {
    super();
  }

  status(state: number): void {
    this.emit('status', { state, atr: state & PRESENT ? ATR : undefined } satisfies NativeStatus);
  }

  connect(_options: unknown, callback: (error: Error | null, protocol: number) => void): void {
    this.connected = true;
    setImmediate(() => callback(null, 2));
  }

  disconnect(_disposition: number, callback: (error: Error | null) => void): void {
    this.connected = false;
    setImmediate(() => callback(null));
  }

  transmit(_data: Buffer, _length: number, _protocol: number, callback: TransmitCallback): void {
    this.transmits += 1;
    const answer = this.answer;
    if (answer === 'hang') this.pending = callback;
    else if (answer instanceof Error) setImmediate(() => callback(answer, Buffer.alloc(0)));
    else setImmediate(() => callback(null, answer));
  }

  close(): void {
    this.closed = true;
  }
}

class FakeContext extends EventEmitter {
  closed = false;
  close(): void {
    this.closed = true;
  }
  add(name: string, state = EMPTY): FakeReader {
    const reader = new FakeReader(name);
    this.emit('reader', reader);
    reader.status(state);
    return reader;
  }
}

/** A scripted addon: each factory() call is the next context, or throws while `down` (pcscd not running). */
class FakeAddon {
  readonly contexts: FakeContext[] = [];
  down = false;
  factory = (): NativeContext => {
    if (this.down) throw new Error('SCardEstablishContext error: Service not available.(0x8010001d)');
    const context = new FakeContext();
    this.contexts.push(context);
    return context as unknown as NativeContext;
  };
  get context(): FakeContext {
    const context = this.contexts.at(-1);
    if (context === undefined) throw new Error('no context yet');
    return context;
  }
}

const readers: PcscReader[] = [];
afterEach(async () => {
  await Promise.all(readers.splice(0).map((reader) => reader.close()));
});

async function open(addon: FakeAddon, options: Parameters<typeof PcscReader.open>[0] = {}) {
  const reader = await PcscReader.open({
    pcsclite: addon.factory,
    openWaitMs: 0,
    retryDelayMs: { min: 5, max: 20 },
    ...options,
  });
  readers.push(reader);
  const events: ReaderEvent['type'][] = [];
  reader.onEvent((event) => events.push(event.type));
  return { reader, events };
}

async function caught(promise: Promise<unknown>): Promise<KioskError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KioskError);
  return error as KioskError;
}

const SELECT = Uint8Array.of(0x00, 0xa4, 0x04, 0x0c);

describe('PcscReader (scripted addon)', () => {
  it('selects the reader matching the pattern and reports presence changes once each', async () => {
    const addon = new FakeAddon();
    const { reader, events } = await open(addon, { reader: /PCD 00 01/ });
    addon.context.add('Virtual PCD 00 00', PRESENT);
    const wanted = addon.context.add('Virtual PCD 00 01');
    expect(reader.name).toBe('Virtual PCD 00 01');
    expect(reader.presence).toBe('empty');
    wanted.status(PRESENT);
    wanted.status(PRESENT | 0x80); // in use by someone: still present, no new event
    wanted.status(EMPTY);
    expect(events).toEqual(['empty', 'present', 'empty']);
  });

  it('reports unavailable when its reader is unplugged and takes the next matching one', async () => {
    const addon = new FakeAddon();
    const { reader, events } = await open(addon, { reader: 'USB' });
    const first = addon.context.add('USB reader A', PRESENT);
    first.emit('end');
    expect(reader.presence).toBe('unavailable');
    expect(reader.name).toBe('USB'); // the pattern, while no reader matches
    addon.context.add('USB reader B', PRESENT);
    expect(reader.name).toBe('USB reader B');
    expect(events).toEqual(['present', 'unavailable', 'present']);
  });

  it('times out a hung card, refuses new calls at once while it hangs, and recovers when it returns', async () => {
    const addon = new FakeAddon();
    const { reader } = await open(addon);
    const native = addon.context.add('R', PRESENT);
    const connection = await reader.connect();
    expect(connection.atr).toEqual(new Uint8Array(ATR));
    native.answer = 'hang';
    const started = performance.now();
    expect((await caught(connection.transmit(SELECT, { timeoutMs: 50 }))).code).toBe('CARD_TIMEOUT');
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect((await caught(connection.transmit(SELECT))).code).toBe('CARD_TIMEOUT');
    expect(native.transmits).toBe(1);
    await connection.disconnect(); // does not wait for the hung call
    expect(native.connected).toBe(true);

    native.answer = Buffer.from('9000', 'hex');
    native.pending?.(null, Buffer.alloc(0)); // the card died: the call returns at last
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(native.connected).toBe(false); // the deferred disconnect ran
    const again = await reader.connect();
    expect(await again.transmit(SELECT)).toEqual(Uint8Array.of(0x90, 0x00));
    await again.disconnect();
  });

  it('turns a short response into CARD_REMOVED when the card is then reported gone, else CARD_UNREADABLE', async () => {
    const addon = new FakeAddon();
    const { reader } = await open(addon, { removalGraceMs: 50 });
    const native = addon.context.add('R', PRESENT);
    let connection = await reader.connect();
    native.answer = Buffer.alloc(0);
    expect((await caught(connection.transmit(SELECT))).code).toBe('CARD_UNREADABLE');
    await connection.disconnect();

    connection = await reader.connect();
    const pending = caught(connection.transmit(SELECT));
    setTimeout(() => native.status(EMPTY), 10);
    expect((await pending).code).toBe('CARD_REMOVED');
    expect(reader.cardPresent).toBe(false);
    await connection.disconnect();
  });

  it('maps PC/SC errors by code', async () => {
    const addon = new FakeAddon();
    const { reader } = await open(addon);
    const native = addon.context.add('R', PRESENT);
    const connection = await reader.connect();
    native.answer = new Error('SCardTransmit error: Card was removed.(0x80100069)');
    const error = await caught(connection.transmit(SELECT));
    expect(error.code).toBe('CARD_REMOVED');
    expect(error.message).toContain('SCARD_W_REMOVED_CARD');
    native.answer = new Error('SCardTransmit error: Transaction failed.(0x80100016)');
    expect((await caught(connection.transmit(SELECT))).code).toBe('CARD_UNREADABLE');
    await connection.disconnect();
  });

  it('re-creates the context after pcscd goes away, reporting unavailable meanwhile', async () => {
    const addon = new FakeAddon();
    const { reader, events } = await open(addon);
    addon.context.add('R', PRESENT);
    const connection = await reader.connect();
    const lost = addon.context;
    addon.down = true;
    lost.emit('error', new Error('SCardGetStatusChange error: RPC transport error.(0x80100013)'));
    expect(reader.presence).toBe('unavailable');
    expect((await caught(connection.transmit(SELECT))).code).toBe('READER_UNAVAILABLE');
    await connection.disconnect();

    await new Promise((resolve) => setTimeout(resolve, 30)); // a few failed attempts while "down"
    expect(addon.contexts).toHaveLength(1);
    addon.down = false;
    await expect.poll(() => addon.contexts.length).toBe(2);
    addon.context.add('R', PRESENT);
    expect(events).toEqual(['present', 'unavailable', 'present']);
    expect(lost.closed).toBe(true);
    expect(await (await reader.connect()).transmit(SELECT)).toEqual(Uint8Array.of(0x90, 0x00));
  });

  it('closes every reader and the context, and ignores the error the addon emits on close', async () => {
    const addon = new FakeAddon();
    const { reader, events } = await open(addon);
    const a = addon.context.add('A', PRESENT);
    const b = addon.context.add('B');
    await reader.close();
    addon.contexts[0]?.emit('error', new Error('SCardGetStatusChange error: Command cancelled.(0x80100002)'));
    expect([a.closed, b.closed, addon.context.closed]).toEqual([true, true, true]);
    expect(events).toEqual(['present', 'unavailable']);
    expect((await caught(reader.connect())).code).toBe('READER_UNAVAILABLE');
  });

  it('refuses to connect without a card, and a second connection while one is open', async () => {
    const addon = new FakeAddon();
    const { reader } = await open(addon);
    const native = addon.context.add('R');
    expect((await caught(reader.connect())).code).toBe('CARD_REMOVED');
    native.status(PRESENT);
    const connection = await reader.connect();
    expect((await caught(reader.connect())).code).toBe('INVALID_STATE');
    await connection.disconnect();
  });
});
