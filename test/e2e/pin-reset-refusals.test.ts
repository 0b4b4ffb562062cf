import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ScreenState } from 'kiosk-agent/protocol/state';
import { reserve } from '../app-simulator/app';
import { startKioskHarness, type KioskHarness } from '../support/kiosk-harness';

/** The kiosk's clear refusals for a PIN reset, on the real card emulator and a real HQ. */
let h: KioskHarness;
beforeAll(async () => {
  h = await startKioskHarness();
});
afterAll(async () => {
  await h?.close();
});
afterEach(async () => {
  h.emulator.remove();
  await h.kiosk.handle({ type: 'cancel' }).catch(() => undefined);
});

async function begin(cardId: string): Promise<ScreenState> {
  h.reader.arm();
  await h.kiosk.handle({ type: 'start' });
  await h.kiosk.handle({ type: 'selectPinReset' });
  await h.insert(cardId);
  return h.until((s) => s.screen === 'resetChoose' || s.screen === 'idle');
}

describe('PIN reset refusals at the kiosk', () => {
  it('a wrong known PIN stays on the proof step with the tries left, and spends exactly one try', async () => {
    await reserve({ dataDir: h.dataDir, hqUrl: h.hqUrl, cardId: 'demo-hanako', reset: 'signature' });
    await begin('demo-hanako');
    await h.kiosk.handle({ type: 'chooseResetPin', reset: 'signature' });
    await h.kiosk.handle({ type: 'submitPin', pin: '0000' });
    const state = await h.until((s) => s.screen === 'resetProve' && s.notice !== null);
    expect(state).toMatchObject({ triesLeft: 2, notice: { code: 'PIN_WRONG', triesLeft: 2 } });
    expect((await h.readProfile('demo-hanako')).userAuth.triesLeft).toBe(2);
  });

  it('a card whose two PINs are both locked is sent to the city office', async () => {
    const profile = await h.readProfile('demo-taro');
    await h.writeProfile('demo-taro', {
      ...profile,
      userAuth: { ...profile.userAuth, triesLeft: 0 },
      signature: { ...profile.signature!, triesLeft: 0 },
    });
    const state = await begin('demo-taro');
    expect(state).toMatchObject({ screen: 'idle', notice: { code: 'PIN_RESET_BOTH_LOCKED' } });
    await h.writeProfile('demo-taro', profile);
  });

  it('a child card without a signature certificate cannot reset its 4-digit PIN here', async () => {
    const state = await begin('demo-sakura');
    expect(state).toMatchObject({ screen: 'resetChoose', triesLeft: { signature: null } });
    await h.kiosk.handle({ type: 'chooseResetPin', reset: 'userAuth' });
    expect(h.kiosk.state).toMatchObject({
      screen: 'resetChoose',
      notice: { code: 'PIN_RESET_NO_SIGNATURE_CERTIFICATE' },
    });
  });
});
