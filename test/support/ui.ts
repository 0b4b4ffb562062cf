import type { Page } from 'playwright-core';

/** The per-boot token the agent writes into the kiosk UI's index.html (what a socket client must present). */
export async function uiToken(kioskUrl: string): Promise<string> {
  const html = await (await fetch(kioskUrl)).text();
  const token = /<meta name="kiosk-ui-token" content="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('no UI token in index.html');
  return token;
}

/** A kiosk screen by its protocol name (`data-screen`). */
export const screenOf = (page: Page, name: string) => page.locator(`[data-screen="${name}"]`);

/** Types digits on the on-screen keypad, then presses the given submit button. */
export async function typeDigits(page: Page, digits: string, submit = 'pin-submit'): Promise<void> {
  for (const digit of digits) await page.getByTestId(`keypad-${digit}`).click();
  await page.getByTestId(submit).click();
}
