/**
 * `npm run screenshots`: walks the issuance flow in Chromium against a throwaway system and saves each
 * screen to docs/screenshots/ (used by the README). Needs the built UI (`npm run build`).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdir } from 'node:fs/promises';
import { launchChromium } from '../support/browser';
import { devApi } from '../support/dev-api';
import { startTestSystem } from '../support/system';
import { DEMO_STAFF_CODE } from '../../deploy/src/local/seed';

const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');
await mkdir(out, { recursive: true });
const system = await startTestSystem({ realServiceHours: true });
const browser = await launchChromium();
try {
  const dev = devApi(system.kioskUrl);
  const page = await browser.newPage({ viewport: { width: 1080, height: 1920 }, deviceScaleFactor: 0.5 });
  const shot = async (screen: string, file = screen) => {
    await page.locator(`[data-screen="${screen}"]`).waitFor();
    await page.waitForTimeout(300); // let transitions settle
    await page.screenshot({ path: path.join(out, `${file}.png`) });
    console.log(`saved ${file}.png`);
  };
  await page.goto(system.kioskUrl);
  await shot('idle');
  await page.getByTestId('start').click();
  await shot('serviceMenu', 'service-menu');
  await page.getByTestId('service-certificate').click();
  await shot('placeCard', 'place-card');
  await dev.insert('demo-taro');
  await page.locator('[data-screen="pin"]').waitFor();
  for (const digit of '12') await page.getByTestId(`keypad-${digit}`).click();
  await shot('pin');
  for (const digit of '34') await page.getByTestId(`keypad-${digit}`).click();
  await page.getByTestId('pin-submit').click();
  await shot('chooseCertificate', 'choose-certificate');
  await page.getByTestId('cert-juminhyo').click();
  await shot('options');
  // A jam on the first page: the customer calls staff; staff see where the paper is stuck.
  const post = (url: string, body: unknown) =>
    fetch(`${system.kioskUrl}${url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  await post('/dev/printer/faults', { kind: 'jam', atPage: 1, where: 'fuser' });
  await page.getByTestId('options-next').click();
  await shot('payment');
  await dev.insertMoney(1000);
  await shot('removeCard', 'remove-card');
  await dev.remove();
  await shot('callStaff', 'call-staff');
  await page.getByTestId('staff-entry').click({ delay: 3100 });
  for (const digit of DEMO_STAFF_CODE) await page.getByTestId(`keypad-${digit}`).click();
  await page.getByTestId('staff-code-submit').click();
  await shot('staffMenu', 'staff-jam');
  await post('/dev/printer/clear', {});
  await page.getByTestId('staff-action-resume').click();
  await shot('takeCertificate', 'take-certificate');
  await page.getByTestId('finish').click();
  await page.getByTestId('lang-en').click();
  await shot('idle', 'idle-en');
} finally {
  await browser.close();
  await system.close();
}
