/**
 * The operator dashboard end to end: the BUILT dashboard (npm run build) served by a real gateway (test
 * fixture: HTTPS, in-memory database, test clock), Chromium, and kiosk status posted over mutual TLS.
 * An admin sees the terminal, a jam shows in its row live, the jam alert (after 5 minutes on the test clock)
 * appears and is acknowledged; a viewer sees the acknowledge button disabled and the API refuses them.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOperator } from 'hq-gateway/ops/operators';
import { kioskCall, startGatewayFixture, type GatewayFixture } from 'hq-gateway/testing/gateway-fixture';
import { idleDeviceStatus as status } from 'kiosk-agent/hq/testing/device-status';
import { launchChromium } from '../support/browser';

const ADMIN = { username: 'admin', password: 'demo-admin-2026' };
const VIEWER = { username: 'viewer', password: 'demo-viewer-2026' };

const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let fx: GatewayFixture;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  fx = await startGatewayFixture();
  await createOperator(fx.db, { ...ADMIN, role: 'admin', now: fx.clock.now });
  await createOperator(fx.db, { ...VIEWER, role: 'viewer', now: fx.clock.now });
  browser = await launchChromium();
});
afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await fx?.close();
});

/** `bypassCSP` lets the test inject axe-core; the viewer's page runs under the dashboard's real CSP. */
async function loggedIn(user: { username: string; password: string }, bypassCSP = false): Promise<Page> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'ja-JP', bypassCSP });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${fx.url}/dashboard/`);
  await page.getByLabel('ユーザー名').fill(user.username);
  await page.getByLabel('パスワード').fill(user.password);
  await page.getByRole('button', { name: /ログイン/ }).click();
  await page.getByTestId('live-state').getByText('ライブ').waitFor();
  return page;
}

const postStatus = (body: unknown) => kioskCall(fx, fx.terminals.a, 'POST', '/v1/kiosk/status', body);

async function seriousAxeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (d: Document, o: object) => Promise<{ violations: { id: string; impact: string | null }[] }>;
        };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((v) => `${v.id} (${v.impact})`);
  });
}

describe('operator dashboard', () => {
  it('shows a jam live, raises its alert, and lets an admin acknowledge it', async () => {
    const terminal = fx.terminals.a.id;
    expect((await postStatus({ kind: 'snapshot', status })).json).toEqual({ applied: true });
    const page = await loggedIn(ADMIN, true);
    const row = page.locator(`[data-testid="terminal-row"][data-terminal="${terminal}"]`);
    await expect.poll(() => row.getAttribute('data-state')).toBe('online');
    expect(await seriousAxeViolations(page)).toEqual([]);

    await postStatus({ kind: 'change', fields: { printer: 'jam', jamWhere: 'fuser', screen: 'callStaff' } });
    await expect.poll(() => row.getAttribute('data-state')).toBe('jam');
    await expect.poll(() => row.getByTestId('printer').textContent()).toContain('fuser');
    await expect.poll(() => page.getByTestId('count-jam').textContent()).toContain('1');

    // Five minutes later (test clock) the jam is still there: the sweep opens the alert.
    fx.clock.advance(5 * 60_000 + 1000);
    await postStatus({ kind: 'heartbeat' });
    await page.getByRole('link', { name: /アラート/ }).click();
    const alert = page.locator(`[data-testid="alert-row"][data-kind="jam"][data-terminal="${terminal}"]`);
    await alert.waitFor({ timeout: 15_000 });
    expect(await seriousAxeViolations(page)).toEqual([]);
    await alert.getByRole('button', { name: /Acknowledge/ }).click();
    await alert.getByTestId('acked').waitFor();
    const rows = await fx.db.query<{ acknowledged_by: string | null }>(
      "SELECT acknowledged_by FROM alerts WHERE terminal_id = $1 AND kind = 'jam'",
      [terminal],
    );
    expect(rows[0]?.acknowledged_by).not.toBeNull();
  });

  it('does not let a viewer acknowledge', async () => {
    await postStatus({ kind: 'change', fields: { printer: 'paperOut', paperLevel: 'out', jamWhere: null } });
    const page = await loggedIn(VIEWER);
    await page.getByRole('link', { name: /アラート/ }).click();
    const alert = page.locator('[data-testid="alert-row"][data-kind="paperOut"]');
    await alert.waitFor();
    expect(await alert.getByRole('button', { name: /Acknowledge/ }).isDisabled()).toBe(true);
    const alertId = await alert.getAttribute('data-alert');
    const csrf = await page.evaluate(() => sessionStorage.getItem('hq-dashboard-csrf') ?? '');
    const answer = await page.request.post(`${fx.url}/v1/ops/alerts/${alertId}/ack`, {
      headers: { 'x-csrf-token': csrf },
    });
    expect(answer.status()).toBe(403);
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('OPERATOR_FORBIDDEN');
  });

  it("shows a terminal's owed refunds on its page, and alerts when one has waited 24 h", async () => {
    const terminal = fx.terminals.a.id;
    const owedRefunds = { count: 2, totalYen: 1050, oldestAt: fx.clock.now.toISOString() };
    expect((await postStatus({ kind: 'change', fields: { owedRefunds } })).json).toEqual({ applied: true });
    const page = await loggedIn(ADMIN);
    await page.locator(`[data-testid="terminal-row"][data-terminal="${terminal}"] a`).click();
    const owed = page.getByTestId('owed-refunds');
    await expect.poll(() => owed.textContent()).toMatch(/2 件 ¥1,050/);

    fx.clock.advance(24 * 60 * 60_000 + 1000);
    await postStatus({ kind: 'heartbeat' });
    await page.getByRole('link', { name: /アラート/ }).click();
    const alert = page.locator(
      `[data-testid="alert-row"][data-kind="refundOwed"][data-terminal="${terminal}"]`,
    );
    await alert.waitFor({ timeout: 15_000 });
    expect(await alert.textContent()).toContain('未払いの返金');
  });
});
