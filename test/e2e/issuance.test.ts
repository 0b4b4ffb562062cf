import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { startedPerFile } from '../support/per-file';
import { devApi } from '../support/dev-api';
import { startTestSystem } from '../support/system';
import { screenOf, typeDigits } from '../support/ui';

const env = startedPerFile({
  system: () => startTestSystem(),
  browser: launchChromium,
});

describe('a walk-in user prints a 住民票の写し with a demo card', () => {
  it('wrong PIN once, right PIN, 住民票, pays with change, takes the card back, prints, back to idle', async () => {
    const dev = devApi(env.system.kioskUrl);
    const taro = (await dev.cards()).find((card) => card.id === 'demo-taro');
    expect(taro).toBeDefined();
    if (!taro) return;
    const wrongPin = taro.pins.userAuth === '9999' ? '9998' : '9999';

    const page = await env.browser.newPage({ viewport: { width: 1080, height: 1920 } });
    await page.goto(env.system.kioskUrl);
    await expect.poll(() => screenOf(page, 'idle').count()).toBe(1);
    await page.getByTestId('start').click();
    await page.getByTestId('service-certificate').click();
    await screenOf(page, 'placeCard').waitFor();

    await dev.insert('demo-taro');
    await screenOf(page, 'pin').waitFor();
    await expect.poll(() => page.getByTestId('tries-left').textContent()).toContain('3');

    await typeDigits(page, wrongPin);
    await page.locator('[data-testid="notice"][data-code="PIN_WRONG"]').waitFor();
    await expect.poll(() => page.getByTestId('tries-left').textContent()).toContain('2');
    expect((await dev.cards()).find((card) => card.id === 'demo-taro')?.triesLeft.userAuth).toBe(2);

    await typeDigits(page, taro.pins.userAuth);
    await screenOf(page, 'chooseCertificate').waitFor();
    // The right PIN restores the retry counter on the card.
    expect((await dev.cards()).find((card) => card.id === 'demo-taro')?.triesLeft.userAuth).toBe(3);
    await page.getByTestId('cert-juminhyo').click();
    await screenOf(page, 'options').waitFor();
    expect(await page.getByTestId('fee').textContent()).toMatch(/300/);
    await page.getByTestId('options-next').click();

    // Pays 1,000 yen for a 300-yen copy: 700 back as change, and printing waits for the card.
    await screenOf(page, 'payment').waitFor();
    expect((await dev.insertMoney(1000)).accepted).toBe(true);
    await screenOf(page, 'removeCard').waitFor();
    expect(await page.locator('[data-screen="removeCard"]').innerText()).toMatch(/700/);
    expect(await dev.prints()).toHaveLength(0);
    await dev.remove();
    await screenOf(page, 'takeCertificate').waitFor({ timeout: 30_000 });
    const payment = await dev.payment();
    expect(payment.keptYen).toBe(300);
    expect(payment.dispensed.filter((d) => d.reason === 'change').map((d) => d.yen)).toEqual([700]);

    const prints = await dev.prints();
    expect(prints).toHaveLength(1);
    const png = await readFile(path.join(env.system.outputDir, prints[0]!.file));
    const meta = await sharp(png).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBeGreaterThanOrEqual(4960); // A4 at 600 dpi
    expect(meta.height).toBeGreaterThanOrEqual(7015);

    await page.getByTestId('finish').click();
    await screenOf(page, 'idle').waitFor();
    await page.close();
  });

  it('takes at most 7 taps from placing the card to a printed 住民票 with default options', async () => {
    const dev = devApi(env.system.kioskUrl);
    const hanako = (await dev.cards()).find((card) => card.id === 'demo-hanako')!;
    const page = await env.browser.newPage({ viewport: { width: 1080, height: 1920 } });
    await page.goto(env.system.kioskUrl);
    await page.getByTestId('start').click();
    await page.getByTestId('service-certificate').click();
    let taps = 0;
    const tap = async (testId: string) => {
      taps += 1;
      await page.getByTestId(testId).click();
    };
    await dev.insert('demo-hanako');
    await screenOf(page, 'pin').waitFor();
    for (const digit of hanako.pins.userAuth) await tap(`keypad-${digit}`);
    await tap('pin-submit');
    await screenOf(page, 'chooseCertificate').waitFor();
    await tap('cert-juminhyo');
    await screenOf(page, 'options').waitFor();
    await tap('options-next');
    await screenOf(page, 'payment').waitFor();
    await dev.insertMoney(500);
    await screenOf(page, 'removeCard').waitFor();
    await dev.remove();
    await screenOf(page, 'takeCertificate').waitFor({ timeout: 30_000 });
    expect(taps).toBeLessThanOrEqual(7);
    await page.getByTestId('finish').click();
    await screenOf(page, 'idle').waitFor();
    await page.close();
  });

  it('pulling the card at the PIN screen returns to idle with a message', async () => {
    const dev = devApi(env.system.kioskUrl);
    const page = await env.browser.newPage({ viewport: { width: 1080, height: 1920 } });
    await page.goto(env.system.kioskUrl);
    await page.getByTestId('start').click();
    await page.getByTestId('service-certificate').click();
    await dev.insert('demo-hanako');
    await screenOf(page, 'pin').waitFor();
    await dev.remove();
    await screenOf(page, 'idle').waitFor();
    await page.locator('[data-testid="notice"][data-code="CARD_REMOVED"]').waitFor();
    await page.close();
  });

  it('a card whose PIN is locked is told so and nothing is spent', async () => {
    const dev = devApi(env.system.kioskUrl);
    const page = await env.browser.newPage({ viewport: { width: 1080, height: 1920 } });
    await page.goto(env.system.kioskUrl);
    await page.getByTestId('start').click();
    await page.getByTestId('service-certificate').click();
    await dev.insert('demo-kenichi');
    await screenOf(page, 'pinLocked').waitFor();
    expect((await dev.cards()).find((card) => card.id === 'demo-kenichi')?.locked.userAuth).toBe(true);
    await dev.remove();
    await screenOf(page, 'idle').waitFor();
    await page.close();
  });
});
