import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualJpkiCard } from 'kiosk-agent/card/emulator/virtual-card';
import { loadProfile, persistToFile } from 'kiosk-agent/card/emulator/profile-store';
import { VpcdClient } from 'kiosk-agent/card/vpcd/client';
import type {
  ClientToServerEvents,
  IntentAck,
  ScreenState,
  ServerToClientEvents,
} from 'kiosk-agent/protocol/index';
import { startTestSystem, type TestSystem } from '../support/system';
import { ensurePcscStack } from './pcscd';
import { TEST_SLOT } from './card-rigs';
import { uiToken } from '../support/ui';

/** The whole agent with `--reader pcsc`: a demo card behind pcscd + vpcd prints a 住民票. */
let system: TestSystem;
let socket: Socket<ServerToClientEvents, ClientToServerEvents>;
let state: ScreenState | undefined;

beforeAll(async () => {
  await ensurePcscStack();
  system = await startTestSystem({ reader: 'pcsc' });
  const token = await uiToken(system.kioskUrl);
  socket = io(system.kioskUrl, { auth: { token }, transports: ['websocket'] });
  socket.on('state', (next) => (state = next));
});
afterAll(async () => {
  socket?.close();
  await system?.close();
});

const send = (intent: unknown) => new Promise<IntentAck>((resolve) => socket.emit('intent', intent, resolve));
const reach = (screen: ScreenState['screen'], timeout = 15_000) =>
  expect.poll(() => state?.screen, { timeout }).toBe(screen);

describe('the agent over PC/SC', () => {
  it('has no virtual cards with a real reader (only the simulated coin acceptor)', async () => {
    expect((await fetch(`${system.kioskUrl}/dev/cards`)).status).toBe(404);
    expect((await fetch(`${system.kioskUrl}/dev/payment`)).status).toBe(200);
  });

  it('authenticates and prints with a card behind pcscd, and returns to idle when it is pulled', async () => {
    const file = path.join(system.dataDir, 'cards', 'demo-taro.json');
    const profile = await loadProfile(file);
    const card = new VirtualJpkiCard(profile, { persist: persistToFile(file) });
    await reach('idle');
    expect(await send({ type: 'start' })).toEqual({ ok: true });
    expect(await send({ type: 'selectIssuance' })).toEqual({ ok: true });
    const vcard = VpcdClient.forCard(card, { slot: TEST_SLOT });
    vcard.start();
    try {
      await reach('pin');
      expect(state).toMatchObject({ triesLeft: 3 });
      expect(await send({ type: 'submitPin', pin: profile.userAuth.pin })).toEqual({ ok: true });
      await reach('chooseCertificate');
      expect(await send({ type: 'selectCertificate', certificate: 'juminhyo' })).toEqual({ ok: true });
      await reach('options');
      expect(await send({ type: 'confirm' })).toEqual({ ok: true });
      await reach('payment');
      const paid = await fetch(`${system.kioskUrl}/dev/payment/insert`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ yen: 1000 }),
      });
      expect(paid.status).toBe(200);
      await reach('removeCard', 30_000);
    } finally {
      // Taking the card out of the (real PC/SC) reader is what starts printing.
      await vcard.stop();
    }
    await reach('takeCertificate', 30_000);
    expect(state).toMatchObject({ printedCopies: 1, refundedYen: 0 });
    expect(await send({ type: 'finish' })).toEqual({ ok: true });
    await reach('idle');
  });
});
