import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayFixture, type GatewayFixture } from 'hq-gateway/testing/gateway-fixture';
import { launchChromium } from '../support/browser';

/** The public /verify page when its client has used up its checks (api/rate-limit.ts). */
let fx: GatewayFixture;
let browser: Browser;

beforeAll(async () => {
  [fx, browser] = await Promise.all([startGatewayFixture({ rateLimits: { verify: 1 } }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await fx?.close();
});

describe('GET /verify over the rate limit', () => {
  it('tells the user to wait a minute instead of a generic failure', async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    await page.goto(`${fx.url}/verify`);
    const check = async () => {
      await page.locator('#seal').fill('JPKS1.not-a-seal');
      await page.locator('button[type="submit"]').click();
    };
    await check();
    await expect.poll(() => page.locator('#verdict-ja').textContent()).toContain('偽造');
    await check();
    await expect.poll(() => page.locator('#verdict-ja').textContent()).toContain('1分ほど待って');
    expect(await page.locator('#verdict-en').textContent()).toContain('try again in a minute');
    await context.close();
  });
});
