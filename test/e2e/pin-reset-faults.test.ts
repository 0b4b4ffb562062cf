import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JpkiCard } from 'kiosk-agent/card/jpki';
import type { CardProfile } from 'kiosk-agent/card/emulator/profile';
import type { ScreenState } from 'kiosk-agent/protocol/state';
import { list, reserve } from '../app-simulator/app';
import type { PullMode } from '../support/faulty-reader';
import { startKioskHarness, type KioskHarness } from '../support/kiosk-harness';

/**
 * The card pulled at every step of a kiosk PIN reset — before each APDU reaches the card and after each
 * has been processed with its answer lost. Whatever happens, the card holds the old PIN or the new one,
 * never anything else, and the user is told which.
 */
let h: KioskHarness;
let original: CardProfile;
const NEW_PIN = 'NEWPIN42';

beforeAll(async () => {
  h = await startKioskHarness();
  original = await h.readProfile('demo-taro');
});
afterAll(async () => {
  await h?.close();
});

const settled = (s: ScreenState) =>
  s.screen === 'idle' ||
  s.screen === 'resetDone' ||
  (s.screen === 'placeCard' && s.notice?.code === 'PIN_RESET_CHECK_CARD');

/** Drives one signature-PIN reset as far as it goes; returns where it settled. */
async function drive(): Promise<ScreenState> {
  const { kiosk } = h;
  const step = async (screen: ScreenState['screen'], act: () => Promise<void>) => {
    const state = await h.until((s) => s.screen === screen || settled(s));
    if (state.screen === screen) await act().catch(() => undefined);
  };
  await kiosk.handle({ type: 'start' });
  await kiosk.handle({ type: 'selectPinReset' });
  await h.insert('demo-taro');
  await step('resetChoose', () => kiosk.handle({ type: 'chooseResetPin', reset: 'signature' }));
  await step('resetProve', () => kiosk.handle({ type: 'submitPin', pin: original.userAuth.pin }));
  await step('resetNewPin', () => kiosk.handle({ type: 'submitNewPin', pin: NEW_PIN }));
  let state = await h.until(settled);
  if (state.screen === 'placeCard') {
    // The kiosk asks for the card back to read which PIN it holds.
    await h.insert('demo-taro');
    state = await h.until((s) => s.screen === 'idle');
  }
  return state;
}

/** Which signature PIN the card really holds, found with a real VERIFY through the driver. */
async function pinOnCard(): Promise<string> {
  h.reader.arm();
  if (!h.emulator.cardPresent) await h.insert('demo-taro');
  const card = await JpkiCard.open(h.reader);
  try {
    await card.verifySignaturePin(NEW_PIN);
    return NEW_PIN;
  } catch {
    return original.signature!.pin;
  } finally {
    await card.close();
    h.emulator.remove();
  }
}

async function freshStart() {
  h.emulator.remove();
  await h.kiosk.handle({ type: 'cancel' }).catch(() => undefined);
  await h.writeProfile('demo-taro', original);
  const open = (await list({ dataDir: h.dataDir, hqUrl: h.hqUrl, cardId: 'demo-taro' })).some(
    (r) => r.status === 'open' && r.reset === 'signature',
  );
  if (!open) await reserve({ dataDir: h.dataDir, hqUrl: h.hqUrl, cardId: 'demo-taro', reset: 'signature' });
}

describe('a PIN reset with the card pulled at every step', () => {
  let total = 0;

  it('completes without a fault, counts its APDUs, and sends HQ no PIN', async () => {
    await freshStart();
    h.reader.arm();
    // Every request body the kiosk sends to HQ during the reset.
    const from = h.hqRequestBodies.length;
    const state: ScreenState = await drive();
    const bodies = h.hqRequestBodies.slice(from);
    expect(bodies.length).toBeGreaterThanOrEqual(4); // challenge, claim, token, outcome
    for (const pin of [original.userAuth.pin, NEW_PIN]) {
      const forms = [pin, Buffer.from(pin).toString('hex'), Buffer.from(pin).toString('base64')];
      for (const body of bodies) for (const form of forms) expect(body).not.toContain(form);
    }
    expect(state.screen).toBe('resetDone');
    total = h.reader.commands;
    expect(total).toBeGreaterThan(10);
    h.emulator.remove();
    await h.until((s) => s.screen === 'idle');
    expect(await pinOnCard()).toBe(NEW_PIN);
  });

  for (const mode of ['beforeCommand', 'afterCommand'] as PullMode[]) {
    it(`pulled ${mode === 'beforeCommand' ? 'before' : 'after'} each APDU: old or new PIN, and the user is told which`, async () => {
      expect(total).toBeGreaterThan(0);
      const told: Record<string, number> = {};
      for (let n = 1; n <= total; n++) {
        await freshStart();
        h.reader.arm({ n, mode });
        const state = await drive();
        const code = state.screen === 'idle' ? (state.notice?.code ?? 'none') : state.screen;
        told[code] = (told[code] ?? 0) + 1;
        const pin = await pinOnCard();
        if (code === 'PIN_RESET_INTERRUPTED_CHANGED') expect(pin, `n=${n}`).toBe(NEW_PIN);
        else expect(pin, `n=${n} told ${code}`).toBe(original.signature!.pin);
        expect([
          'CARD_REMOVED',
          'PIN_RESET_INTERRUPTED_UNCHANGED',
          'PIN_RESET_INTERRUPTED_CHANGED',
        ]).toContain(code);
      }
      // Both outcomes occur when the answer to RESET RETRY COUNTER is lost; only "unchanged" before it.
      if (mode === 'afterCommand') expect(told.PIN_RESET_INTERRUPTED_CHANGED).toBe(1);
      else expect(told.PIN_RESET_INTERRUPTED_CHANGED).toBeUndefined();
    });
  }
});
