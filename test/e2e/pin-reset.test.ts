import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { EmulatorReader } from 'kiosk-agent/card/emulator-reader';
import { VirtualJpkiCard } from 'kiosk-agent/card/emulator/virtual-card';
import { loadProfile, persistToFile } from 'kiosk-agent/card/emulator/profile-store';
import { JpkiCard } from 'kiosk-agent/card/jpki';
import { list, reserve } from '../app-simulator/app';
import { launchChromium } from '../support/browser';
import { startedPerFile } from '../support/per-file';
import { devApi } from '../support/dev-api';
import { startTestSystem } from '../support/system';
import { screenOf, typeDigits } from '../support/ui';

const env = startedPerFile({
  system: () => startTestSystem(),
  browser: launchChromium,
});

async function alnum(page: Page, text: string) {
  for (const char of text) await page.getByTestId(`alnum-${char}`).click();
  await page.getByTestId('alnum-submit').click();
}

/** A real VERIFY through the driver against the card's persisted profile (the card is out of the kiosk). */
async function verifiesOnCard(cardId: string, kind: 'userAuth' | 'signature', pin: string): Promise<boolean> {
  const file = path.join(env.system.dataDir, 'cards', `${cardId}.json`);
  const reader = new EmulatorReader('check');
  reader.insert(new VirtualJpkiCard(await loadProfile(file), { persist: persistToFile(file) }));
  const card = await JpkiCard.open(reader);
  try {
    if (kind === 'userAuth') await card.verifyUserAuthPin(pin);
    else await card.verifySignaturePin(pin);
    return true;
  } catch {
    return false;
  } finally {
    await card.close();
    await reader.close();
  }
}

async function openKiosk(): Promise<Page> {
  const page = await env.browser.newPage({ viewport: { width: 1080, height: 1920 } });
  await page.goto(env.system.kioskUrl);
  await page.getByTestId('start').click();
  await page.getByTestId('service-pinReset').click();
  await screenOf(page, 'placeCard').waitFor();
  return page;
}

describe('a PIN reset booked in the smartphone app, finished at the kiosk', () => {
  it('resets the signature PIN, proving possession with the 4-digit PIN', async () => {
    const app = { dataDir: env.system.dataDir, hqUrl: env.system.hqUrl, cardId: 'demo-taro' };
    const booked = await reserve({ ...app, reset: 'signature' });
    expect(booked.status).toBe('open');
    const dev = devApi(env.system.kioskUrl);
    const taro = (await dev.cards()).find((c) => c.id === 'demo-taro')!;

    const page = await openKiosk();
    await dev.insert('demo-taro');
    await page.getByTestId('reset-choose-signature').click();
    await screenOf(page, 'resetProve').waitFor();
    await typeDigits(page, taro.pins.userAuth);
    await screenOf(page, 'resetNewPin').waitFor();
    await alnum(page, 'KIOSK2026');
    await page.locator('[data-testid="new-pin-step"][data-step="confirm"]').waitFor();
    await alnum(page, 'KIOSK2026');
    await screenOf(page, 'resetDone').waitFor();
    await dev.remove();
    await screenOf(page, 'idle').waitFor();
    await page.close();

    expect(await verifiesOnCard('demo-taro', 'signature', 'KIOSK2026')).toBe(true);
    const after = await list(app);
    expect(after.find((r) => r.reservationId === booked.reservationId)?.status).toBe('used');
  });

  it('resets a locked 4-digit PIN, proving possession with the signature PIN', async () => {
    const app = { dataDir: env.system.dataDir, hqUrl: env.system.hqUrl, cardId: 'demo-kenichi' };
    const dev = devApi(env.system.kioskUrl);
    const kenichi = (await dev.cards()).find((c) => c.id === 'demo-kenichi')!;
    expect(kenichi.locked.userAuth).toBe(true);
    await reserve({ ...app, reset: 'userAuth' });

    const page = await openKiosk();
    await dev.insert('demo-kenichi');
    await page.getByTestId('reset-choose-userAuth').click();
    await screenOf(page, 'resetProve').waitFor();
    await alnum(page, kenichi.pins.signature!);
    await screenOf(page, 'resetNewPin').waitFor();
    await typeDigits(page, '8642');
    await page.locator('[data-testid="new-pin-step"][data-step="confirm"]').waitFor();
    await typeDigits(page, '8642');
    await screenOf(page, 'resetDone').waitFor();
    await dev.remove();
    await screenOf(page, 'idle').waitFor();
    await page.close();

    expect(await verifiesOnCard('demo-kenichi', 'userAuth', '8642')).toBe(true);
    expect((await dev.cards()).find((c) => c.id === 'demo-kenichi')?.locked.userAuth).toBe(false);
  });

  it('without a booking the kiosk says to book in the app first, and changes nothing', async () => {
    const dev = devApi(env.system.kioskUrl);
    const hanako = (await dev.cards()).find((c) => c.id === 'demo-hanako')!;
    const page = await openKiosk();
    await dev.insert('demo-hanako');
    await page.getByTestId('reset-choose-signature').click();
    await typeDigits(page, hanako.pins.userAuth);
    await page.locator('[data-testid="notice"][data-code="PIN_RESET_NOT_RESERVED"]').waitFor();
    await dev.remove();
    await page.close();
    expect(await verifiesOnCard('demo-hanako', 'signature', hanako.pins.signature!)).toBe(true);
  });
});
