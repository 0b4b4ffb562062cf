/**
 * `npm run bench:ui`: the built kiosk UI's size (gzipped JS + CSS, fonts excluded) and the tap-to-next-
 * screen time in headless Chromium: from the pointer tap on a button whose intent makes the fake agent
 * answer with the next state, to the first animation frame after the new screen is in the DOM.
 * Alternates serviceMenu → placeCard (service-certificate) and placeCard → serviceMenu (cancel).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchChromium } from '../support/browser';
import { screenOf } from '../support/ui';
import { startFakeAgent, UI_DIST } from '../ui/fake-agent';
import { fixtures } from '../ui/fixtures';

const TAPS = Number(process.argv[2] ?? 200);
const SIZE_GOAL_KB = 100;
const P95_GOAL_MS = 100;

const assets = path.join(UI_DIST, 'assets');
let gzipped = 0;
for (const file of await readdir(assets)) {
  if (!/\.(js|css)$/.test(file)) continue;
  const bytes = gzipSync(await readFile(path.join(assets, file)), { level: 9 }).length;
  gzipped += bytes;
  console.log(`  ${file}: ${(bytes / 1024).toFixed(1)} KB gzipped`);
}

const agent = await startFakeAgent(fixtures.serviceMenu);
agent.respond((intent) =>
  intent.type === 'selectIssuance'
    ? fixtures.placeCard
    : intent.type === 'cancel'
      ? fixtures.serviceMenu
      : undefined,
);
const browser = await launchChromium();
const timings: number[] = [];
try {
  const page = await browser.newPage({ viewport: { width: 1080, height: 1920 } });
  await page.goto(agent.url);
  await screenOf(page, 'serviceMenu').waitFor();
  // In the page: time from the pointerdown's timestamp to the frame after [data-screen=next] appears.
  await page.evaluate(() => {
    const w = window as unknown as { measureNext: (next: string) => Promise<number> };
    w.measureNext = (next) =>
      new Promise((resolve) => {
        let tappedAt = 0;
        addEventListener('pointerdown', (e) => (tappedAt = e.timeStamp), { capture: true, once: true });
        const observer = new MutationObserver(() => {
          if (!document.querySelector(`[data-screen="${next}"]`)) return;
          observer.disconnect();
          requestAnimationFrame(() => resolve(performance.now() - tappedAt));
        });
        observer.observe(document.body, { childList: true, subtree: true });
      });
  });
  for (let i = 0; i < TAPS + 10; i++) {
    const [button, next] = i % 2 === 0 ? ['service-certificate', 'placeCard'] : ['cancel', 'serviceMenu'];
    const measured = page.evaluate(
      (n) => (window as unknown as { measureNext: (n: string) => Promise<number> }).measureNext(n),
      next,
    );
    await page.getByTestId(button).click();
    const ms = await measured;
    if (i >= 10) timings.push(ms); // the first few warm up the JIT
  }
} finally {
  await browser.close();
  await agent.close();
}

timings.sort((a, b) => a - b);
const at = (q: number) => timings[Math.min(timings.length - 1, Math.floor(q * timings.length))] ?? NaN;
const kb = gzipped / 1024;
console.log(
  `UI size: ${kb.toFixed(1)} KB gzipped JS+CSS (goal ≤ ${SIZE_GOAL_KB} KB) ${kb <= SIZE_GOAL_KB ? 'OK' : 'OVER'}`,
);
console.log(
  `tap → next screen painted, ${timings.length} taps: median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms ` +
    `(goal p95 ≤ ${P95_GOAL_MS} ms) ${at(0.95) <= P95_GOAL_MS ? 'OK' : 'OVER'}`,
);
