import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ClientToServerEvents,
  IntentAck,
  ScreenState,
  ServerToClientEvents,
} from 'kiosk-agent/protocol/index';
import { startTestSystem, type TestSystem } from '../support/system';
import { uiToken } from '../support/ui';

let system: TestSystem;
let token: string;

beforeAll(async () => {
  system = await startTestSystem();
  token = await uiToken(system.kioskUrl);
});

afterAll(async () => {
  await system?.close();
});

type UiSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

function connect(auth: Record<string, unknown>): Promise<UiSocket> {
  return new Promise((resolve, reject) => {
    const socket: UiSocket = io(system.kioskUrl, { auth, transports: ['websocket'], reconnection: false });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

const send = (socket: UiSocket, intent: unknown) =>
  new Promise<IntentAck>((resolve) => socket.emit('intent', intent, resolve));

describe('the UI socket', () => {
  it('refuses a client without the per-boot token', async () => {
    await expect(connect({})).rejects.toThrow(/UNAUTHORIZED/);
    await expect(connect({ token: 'not-the-token' })).rejects.toThrow(/UNAUTHORIZED/);
  });

  it('answers malformed intents with BAD_REQUEST and keeps working', async () => {
    const socket = await connect({ token });
    for (const bad of [
      null,
      42,
      'start',
      {},
      { type: 'nope' },
      { type: 'submitPin', pin: '12a4' },
      { type: 'submitPin', pin: '12345' },
    ]) {
      expect(await send(socket, bad)).toEqual({
        ok: false,
        error: { code: 'BAD_REQUEST', action: 'automatic' },
      });
    }
    // An intent the current screen does not allow is refused with its own code.
    expect(await send(socket, { type: 'confirm' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_STATE' },
    });
    // And the agent still serves a valid one.
    const next = new Promise<ScreenState>((resolve) => socket.once('state', resolve));
    expect(await send(socket, { type: 'start' })).toEqual({ ok: true });
    expect((await next).screen).toBe('serviceMenu');
    expect(await send(socket, { type: 'cancel' })).toEqual({ ok: true });
    socket.close();
  });

  it('sends the whole state and a device snapshot on connect', async () => {
    const socket = io(system.kioskUrl, { auth: { token }, transports: ['websocket'], reconnection: false });
    const [state, device] = await Promise.all([
      new Promise<ScreenState>((resolve) => socket.once('state', resolve)),
      new Promise<unknown>((resolve) => socket.once('device', resolve)),
    ]);
    expect(state.screen).toBe('idle');
    expect(device).toMatchObject({ reader: 'ready', printer: 'idle' });
    socket.close();
  });
});
