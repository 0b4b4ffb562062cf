import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium, headless, with the flags this closed network needs (see shared/notes/stack.md).
 * Playwright gives it a fresh temporary profile.
 */
export async function launchChromium(): Promise<Browser> {
  // An in-process agent points FONTCONFIG_FILE at the document fonts only (render/fonts.ts); the browser
  // must see the system's fonts, as it does on a kiosk, or Korean and Vietnamese labels render as boxes.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[0] !== 'FONTCONFIG_FILE' && entry[1] !== undefined,
    ),
  );
  return chromium.launch({
    env,
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
