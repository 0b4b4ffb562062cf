/**
 * The issuance screens against a fake agent that answers like the real flow: the default path from the
 * PIN to a printed 住民票 takes 7 taps; option changes go back as whole option objects; the money and
 * card reminders chime and stop with the screen; staff screens stay silent.
 */
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Intent, ScreenState } from 'kiosk-agent/protocol/index';
import { launchChromium } from '../support/browser';
import { startedPerFile } from '../support/per-file';
import { screenOf } from '../support/ui';
import { startFakeAgent } from './fake-agent';
import { fixtures } from './fixtures';

const env = startedPerFile({
  agent: () => startFakeAgent(fixtures.idle),
  browser: launchChromium,
});
let page: Page;

beforeEach(async () => {
  await page?.close();
  page = await env.browser.newPage({ viewport: { width: 1080, height: 1920 } });
  // Count chimes: every note is one oscillator started by lib/chime.ts.
  await page.addInitScript(() => {
    const w = window as unknown as { chimes: number };
    w.chimes = 0;
    const original = AudioContext.prototype.createOscillator;
    AudioContext.prototype.createOscillator = function (this: AudioContext) {
      w.chimes += 1;
      return original.call(this);
    };
  });
  await page.clock.install();
  env.agent.respond(null);
  env.agent.push(fixtures.idle);
  await page.goto(env.agent.url);
  await screenOf(page, 'idle').waitFor();
});

const chimes = () => page.evaluate(() => (window as unknown as { chimes: number }).chimes);

/** What the real agent answers on the default path (card already on the reader, PIN 4 digits). */
function issuanceResponder(intent: Intent, current: ScreenState): ScreenState | undefined {
  if (intent.type === 'submitPin') return fixtures.chooseCertificate;
  if (intent.type === 'selectCertificate' && intent.certificate === 'juminhyo') return fixtures.options;
  if (intent.type === 'confirm' && current.screen === 'options')
    return { ...fixtures.payment, copies: 1, dueYen: 200, insertedYen: 0 };
  return undefined;
}

describe('issuance screens', () => {
  it('reaches payment from the PIN screen in 7 taps with the default options', async () => {
    env.agent.respond(issuanceResponder);
    env.agent.push(fixtures.pin);
    await screenOf(page, 'pin').waitFor();
    const before = env.agent.intents.length;
    let taps = 0;
    const tap = async (testid: string) => {
      taps += 1;
      await page.getByTestId(testid).click();
    };
    for (const digit of '1234') await tap(`keypad-${digit}`);
    await tap('pin-submit');
    await screenOf(page, 'chooseCertificate').waitFor();
    await tap('cert-juminhyo');
    await screenOf(page, 'options').waitFor();
    await tap('options-next');
    await screenOf(page, 'payment').waitFor();
    expect(taps).toBe(7);
    // stillHere (typing keeps the inactivity timer alive) is no tap of its own.
    const sent = env.agent.intents.slice(before).filter((i) => i.type !== 'stillHere');
    expect(sent.map((i) => i.type)).toEqual(['submitPin', 'selectCertificate', 'confirm']);
  });

  it('lists refused certificates with their reason and does not let them be chosen', async () => {
    env.agent.push(fixtures.chooseCertificate);
    await screenOf(page, 'chooseCertificate').waitFor();
    await expect(page.getByTestId('cert-sealRegistration').isDisabled()).resolves.toBe(true);
    await expect(page.getByTestId('cert-refusal-koseki').getAttribute('data-reason')).resolves.toBe(
      'outsideHours',
    );
    await expect(page.getByTestId('cert-juminhyo').isEnabled()).resolves.toBe(true);
  });

  it('sends every option change as the whole option object', async () => {
    env.agent.respond((intent, current) =>
      intent.type === 'setOptions' && current.screen === 'options'
        ? { ...current, options: intent.options }
        : intent.type === 'setCopies' && current.screen === 'options'
          ? { ...current, copies: intent.copies, feeYen: intent.copies * current.feePerCopyYen }
          : undefined,
    );
    env.agent.push(fixtures.options);
    await screenOf(page, 'options').waitFor();
    const before = env.agent.intents.length;
    await page.getByTestId('opt-mynumber').click();
    await expect.poll(() => page.getByTestId('opt-mynumber').getAttribute('aria-pressed')).toBe('true');
    await page.getByTestId('member-m-2').click();
    await expect.poll(() => page.getByTestId('member-m-2').getAttribute('aria-pressed')).toBe('true');
    await page.getByTestId('members-household').click();
    await expect.poll(() => page.getByTestId('members-household').getAttribute('aria-pressed')).toBe('true');
    await page.getByTestId('copies-plus').click();
    await expect.poll(() => page.getByTestId('fee').textContent()).toBe('400円');
    const base = {
      type: 'juminhyo',
      householderAndRelationship: true,
      honseki: false,
      foreignResidentFields: false,
    };
    expect(env.agent.intents.slice(before)).toEqual([
      { type: 'setOptions', options: { ...base, members: ['m-1'], myNumber: true } },
      { type: 'setOptions', options: { ...base, members: ['m-1', 'm-2'], myNumber: true } },
      { type: 'setOptions', options: { ...base, members: 'household', myNumber: true } },
      { type: 'setCopies', copies: 2 },
    ]);
    // No 外国人住民 option for this resident; 本籍 is offered.
    await expect(page.getByTestId('opt-foreign').count()).resolves.toBe(0);
    await expect(page.getByTestId('opt-honseki').count()).resolves.toBe(1);
  });

  it('says only "ask at the city office" for a support measure', async () => {
    env.agent.push({ ...fixtures.refused, reason: 'supportMeasure' });
    await expect
      .poll(() => page.getByTestId('refusal-reason').textContent())
      .toBe('市区町村の窓口でおたずねください。');
  });

  it('tells how many copies failed and what was returned, and finishes with one tap', async () => {
    env.agent.push(fixtures.takeCertificate);
    await expect
      .poll(() => page.getByTestId('refund-notice').textContent())
      .toContain('1通は印刷できませんでした');
    await expect(page.getByTestId('refund-notice').textContent()).resolves.toContain('200円');
    const before = env.agent.intents.length;
    await page.getByTestId('finish').click();
    await expect.poll(() => env.agent.intents.slice(before)).toEqual([{ type: 'finish' }]);
  });

  it('cancels a payment with its own button', async () => {
    env.agent.push(fixtures.payment);
    await screenOf(page, 'payment').waitFor();
    const before = env.agent.intents.length;
    await page.getByTestId('payment-cancel').click();
    await expect.poll(() => env.agent.intents.slice(before)).toEqual([{ type: 'cancel' }]);
  });
});

describe('refunds owed (staff)', () => {
  it('opens the list from the staff menu, shows Japan time, and settles a refund only on the second tap', async () => {
    env.agent.push(fixtures.staffMenu);
    await screenOf(page, 'staffMenu').waitFor();
    const entry = page.getByTestId('staff-owed-refunds');
    expect(await entry.textContent()).toContain('返金待ち（2件）');
    const before = env.agent.intents.length;
    await entry.click();
    await expect.poll(() => env.agent.intents.slice(before)).toEqual([{ type: 'showOwedRefunds' }]);

    env.agent.push(fixtures.staffOwedRefunds);
    await screenOf(page, 'staffOwedRefunds').waitFor();
    const first = page.getByTestId('owed-refund').first();
    expect(await first.getByTestId('owed-refund-amount').textContent()).toBe('300円');
    expect(await first.getByTestId('owed-refund-time').textContent()).toBe('2026/11/22 10:30'); // 01:30Z
    const start = env.agent.intents.length;
    await first.getByTestId('owed-refund-paid').click();
    expect(env.agent.intents.slice(start)).toEqual([]);
    await first.getByTestId('owed-refund-yes').click();
    const { refundId } = fixtures.staffOwedRefunds.refunds[0]!;
    await expect.poll(() => env.agent.intents.slice(start)).toEqual([{ type: 'settleOwedRefund', refundId }]);
    await page.getByTestId('owed-refunds-back').click();
    await expect.poll(() => env.agent.intents.at(-1)).toEqual({ type: 'cancel' });
  });

  it('has no entry when nothing is owed', async () => {
    env.agent.push({ ...fixtures.staffMenu, owedRefunds: { count: 0, totalYen: 0 } });
    await screenOf(page, 'staffMenu').waitFor();
    expect(await page.getByTestId('staff-owed-refunds').count()).toBe(0);
  });
});

describe('reminders', () => {
  it('chimes on removeCard, again every ~8 s, and stops when the screen changes', async () => {
    env.agent.push(fixtures.removeCard);
    await page.getByTestId('reminder').waitFor();
    await expect.poll(chimes).toBe(2); // one chime = two notes
    await page.clock.runFor(8_100);
    await expect.poll(chimes).toBe(4);
    env.agent.push(fixtures.printing);
    await screenOf(page, 'printing').waitFor();
    await page.clock.runFor(20_000);
    expect(await chimes()).toBe(4);
  });

  it('reminds on pinLocked only while the card is in, and never on staff screens', async () => {
    env.agent.setDevice({ reader: 'ready' });
    env.agent.push(fixtures.pinLocked);
    await screenOf(page, 'pinLocked').waitFor();
    await expect(page.getByTestId('reminder').count()).resolves.toBe(0);
    env.agent.setDevice({ reader: 'cardPresent' });
    await page.getByTestId('reminder').waitFor();
    await expect.poll(chimes).toBe(2);
    env.agent.push(fixtures.staffMenu);
    await screenOf(page, 'staffMenu').waitFor();
    await page.clock.runFor(20_000);
    expect(await chimes()).toBe(2);
    await expect(page.getByTestId('display-large').count()).resolves.toBe(0);
    env.agent.setDevice({ reader: 'ready' });
  });

  it('reminds on the idle screen when a card was left in the reader, until it is taken', async () => {
    env.agent.push(fixtures.idle);
    await screenOf(page, 'idle').waitFor();
    await expect(page.getByTestId('reminder').count()).resolves.toBe(0);
    env.agent.setDevice({ reader: 'cardPresent' });
    await page.locator('[data-testid="reminder"][data-kind="card"]').waitFor();
    env.agent.setDevice({ reader: 'ready' });
    await expect.poll(() => page.getByTestId('reminder').count()).toBe(0);
  });
});
