import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildCommand, parseResponse, SW, toHex } from '../apdu';
import type { CardProfile } from '../emulator/profile';
import { makeTestProfile } from '../emulator/testing/test-keys';
import { JPKI_AID, VirtualJpkiCard } from '../emulator/virtual-card';
import { VpcdClient, type VpcdClientEvent } from './client';
import { encodeFrame, FrameDecoder, VpcdControl, vpcdPort } from './protocol';

/** The vpcd side played by a plain TCP server: the protocol and reconnection, without pcscd. */

let profile: CardProfile;
beforeAll(async () => {
  profile = await makeTestProfile({ serial: 'VPCDTEST01' });
});

class FakeVpcd {
  readonly connections: Socket[] = [];
  private readonly frames: Uint8Array[] = [];
  private readonly waiting: Array<(frame: Uint8Array) => void> = [];
  private readonly connectWaiters: Array<(socket: Socket) => void> = [];

  private constructor(private readonly server: Server) {}

  static async start(port = 0): Promise<FakeVpcd> {
    const server = createServer();
    const fake = new FakeVpcd(server);
    server.on('connection', (socket) => {
      fake.connections.push(socket);
      const decoder = new FrameDecoder();
      socket.on('data', (chunk: Buffer) => {
        for (const frame of decoder.push(chunk)) {
          const waiter = fake.waiting.shift();
          if (waiter) waiter(frame);
          else fake.frames.push(frame);
        }
      });
      fake.connectWaiters.splice(0).forEach((wake) => wake(socket));
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return fake;
  }

  get port(): number {
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('not listening');
    return address.port;
  }

  nextConnection(): Promise<Socket> {
    return new Promise((resolve) => this.connectWaiters.push(resolve));
  }

  /** Sends one message to the card and resolves with its reply. */
  request(socket: Socket, payload: Uint8Array): Promise<Uint8Array> {
    socket.write(encodeFrame(payload));
    const frame = this.frames.shift();
    if (frame) return Promise.resolve(frame);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async close(): Promise<void> {
    this.connections.forEach((socket) => socket.destroy());
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

let fake: FakeVpcd | undefined;
let client: VpcdClient | undefined;
afterEach(async () => {
  await client?.stop();
  await fake?.close();
  client = undefined;
  fake = undefined;
});

describe('vpcd framing', () => {
  it('uses a big-endian length prefix', () => {
    expect(toHex(encodeFrame(Uint8Array.of(0x04)))).toBe('000104');
    expect(toHex(encodeFrame(new Uint8Array(0x0102)).subarray(0, 2))).toBe('0102');
  });

  it('reassembles split and merged frames', () => {
    const decoder = new FrameDecoder();
    const both = Buffer.concat([encodeFrame(Uint8Array.of(1, 2, 3)), encodeFrame(Uint8Array.of(4))]);
    expect(decoder.push(both.subarray(0, 1))).toEqual([]);
    expect(decoder.push(both.subarray(1, 4))).toEqual([]);
    expect(decoder.push(both.subarray(4))).toEqual([Uint8Array.of(1, 2, 3), Uint8Array.of(4)]);
  });

  it('maps slots to ports 35963 and 35964', () => {
    expect(vpcdPort(0)).toBe(35963);
    expect(vpcdPort(1)).toBe(35964);
    expect(() => vpcdPort(2)).toThrow(RangeError);
  });
});

describe('VpcdClient', () => {
  it('answers GET ATR, power control and APDUs in order', async () => {
    fake = await FakeVpcd.start();
    const card = new VirtualJpkiCard(profile);
    client = VpcdClient.forCard(card, { host: '127.0.0.1', port: fake.port });
    const connected = fake.nextConnection();
    client.start();
    const socket = await connected;

    expect(toHex(await fake.request(socket, Uint8Array.of(VpcdControl.GET_ATR)))).toBe(profile.atr);
    socket.write(encodeFrame(Uint8Array.of(VpcdControl.POWER_ON)));
    const select = buildCommand({ cla: 0, ins: 0xa4, p1: 4, p2: 0x0c, data: Buffer.from(JPKI_AID, 'hex') });
    expect(parseResponse(await fake.request(socket, select)).sw).toBe(SW.OK);
    // Reset clears the selected AP: SELECT EF then finds nothing.
    socket.write(encodeFrame(Uint8Array.of(VpcdControl.RESET)));
    const selectEf = buildCommand({ cla: 0, ins: 0xa4, p1: 2, p2: 0x0c, data: Uint8Array.of(0, 0x0a) });
    expect(parseResponse(await fake.request(socket, selectEf)).sw).toBe(SW.FILE_NOT_FOUND);
    // Powered off, the card is mute: a 0-byte answer (what vpcd reports for a dead card).
    socket.write(encodeFrame(Uint8Array.of(VpcdControl.POWER_OFF)));
    expect((await fake.request(socket, select)).length).toBe(0);
  });

  it('reconnects after the daemon drops it, and powers the card off meanwhile', async () => {
    fake = await FakeVpcd.start();
    const card = new VirtualJpkiCard(profile);
    client = VpcdClient.forCard(card, {
      host: '127.0.0.1',
      port: fake.port,
      reconnectDelayMs: { min: 5, max: 20 },
    });
    const events: VpcdClientEvent['type'][] = [];
    client.onEvent((event) => events.push(event.type));
    let connected = fake.nextConnection();
    client.start();
    const first = await connected;
    card.powerOn();
    connected = fake.nextConnection();
    first.destroy();
    const second = await connected;
    expect(card.isPowered).toBe(false);
    expect(toHex(await fake.request(second, Uint8Array.of(VpcdControl.GET_ATR)))).toBe(profile.atr);
    expect(events).toEqual(['connected', 'disconnected', 'connected']);
  });

  it('drops the connection unanswered when the card fails (e.g. its counters cannot be saved)', async () => {
    fake = await FakeVpcd.start();
    const card = new VirtualJpkiCard(profile, {
      persist: () => Promise.reject(new Error('disk full')),
    });
    client = VpcdClient.forCard(card, { host: '127.0.0.1', port: fake.port, reconnect: false });
    const failed = new Promise<VpcdClientEvent>((resolve) =>
      client?.onEvent((event) => event.type === 'card-failed' && resolve(event)),
    );
    const connected = fake.nextConnection();
    client.start();
    const socket = await connected;
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(encodeFrame(Uint8Array.of(VpcdControl.POWER_ON)));
    socket.write(
      encodeFrame(buildCommand({ cla: 0, ins: 0xa4, p1: 4, p2: 0x0c, data: Buffer.from(JPKI_AID, 'hex') })),
    );
    socket.write(
      encodeFrame(buildCommand({ cla: 0, ins: 0xa4, p1: 2, p2: 0x0c, data: Uint8Array.of(0, 0x18) })),
    );
    // A wrong PIN must be counted before the card answers; the save fails, so it never answers.
    socket.write(
      encodeFrame(buildCommand({ cla: 0, ins: 0x20, p1: 0, p2: 0x80, data: Buffer.from('0000') })),
    );
    expect((await failed).type).toBe('card-failed');
    await closed;
  });
});
