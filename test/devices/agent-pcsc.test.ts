import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualJpkiCard } from 'kiosk-agent/card/emulator/virtual-card';
import { loadProfile, persistToFile } from 'kiosk-agent/card/emulator/profile-store';
import { VpcdClient } from 'kiosk-agent/card/vpcd/client';
import { startTestSystem, type TestSystem } from '../support/system';
import { ensurePcscStack } from './pcscd';
import { TEST_SLOT } from './card-rigs';
import { devApi } from '../support/dev-api';
import { connectKiosk, type KioskSocket } from '../support/kiosk-socket';

/** The whole agent with `--reader pcsc`: a demo card behind pcscd + vpcd prints a 住民票. */
let system: TestSystem;
let kiosk: KioskSocket;

beforeAll(async () => {
  await ensurePcscStack();
  system = await startTestSystem({ reader: 'pcsc' });
  kiosk = await connectKiosk(system.kioskUrl);
});
afterAll(async () => {
  kiosk?.close();
  await system?.close();
});

describe('the agent over PC/SC', () => {
  it('has no virtual cards with a real reader (only the simulated coin acceptor)', async () => {
    expect((await fetch(`${system.kioskUrl}/dev/cards`)).status).toBe(404);
    expect((await fetch(`${system.kioskUrl}/dev/payment`)).status).toBe(200);
  });

  it('authenticates and prints with a card behind pcscd, and returns to idle when it is pulled', async () => {
    const file = path.join(system.dataDir, 'cards', 'demo-taro.json');
    const profile = await loadProfile(file);
    const card = new VirtualJpkiCard(profile, { persist: persistToFile(file) });
    await kiosk.reach('idle');
    await kiosk.send({ type: 'start' });
    await kiosk.send({ type: 'selectIssuance' });
    const vcard = VpcdClient.forCard(card, { slot: TEST_SLOT });
    vcard.start();
    try {
      expect(await kiosk.reach('pin')).toMatchObject({ triesLeft: 3 });
      await kiosk.send({ type: 'submitPin', pin: profile.userAuth.pin });
      await kiosk.reach('chooseCertificate');
      await kiosk.send({ type: 'selectCertificate', certificate: 'juminhyo' });
      await kiosk.reach('options');
      await kiosk.send({ type: 'confirm' });
      await kiosk.reach('payment');
      expect((await devApi(system.kioskUrl).insertMoney(1000)).accepted).toBe(true);
      await kiosk.reach('removeCard', 30_000);
    } finally {
      // Taking the card out of the (real PC/SC) reader is what starts printing.
      await vcard.stop();
    }
    expect(await kiosk.reach('takeCertificate', 30_000)).toMatchObject({ printedCopies: 1, refundedYen: 0 });
    await kiosk.send({ type: 'finish' });
    await kiosk.reach('idle');
  });
});
