import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { EmulatorReader } from '../card/emulator-reader';
import { VirtualJpkiCard } from '../card/emulator/virtual-card';
import { makeTestProfile } from '../card/emulator/testing/test-keys';
import { KioskError } from '../errors';
import { HqClient } from '../hq/client';
import { SimulatedPaymentDevice } from '../payment/simulated';
import { SimulatedPrinter } from '../printer/simulated';
import type { ScreenState } from '../protocol/state';
import { openJournal } from '../journal/index';
import { Kiosk } from './kiosk';

const flows: Kiosk[] = [];
afterEach(async () => {
  await Promise.all(flows.splice(0).map((flow) => flow.close()));
});

/** A flow with real card and printer simulators; HQ is unreachable (nothing listens on port 9). */
async function setup(inactivity = { idleMs: 60_000, warningMs: 20_000 }) {
  const reader = new EmulatorReader('test reader');
  const printer = new SimulatedPrinter(await mkdtemp(path.join(os.tmpdir(), 'flow-test-')));
  const hq = new HqClient({
    baseUrl: 'http://127.0.0.1:9',
    credentials: { terminalId: 'T-TEST' },
    retries: 0,
    timeoutMs: 2000,
  });
  const journal = await openJournal(await mkdtemp(path.join(os.tmpdir(), 'flow-journal-')));
  const flow = new Kiosk({
    journal,
    reader,
    printer,
    hq,
    payment: new SimulatedPaymentDevice(),
    documentPublicKey: '',
    render: () => Promise.reject(new Error('not used')),
    logger: pino({ level: 'silent' }),
    inactivity,
  });
  flows.push(flow);
  const seen: ScreenState[] = [];
  flow.onState((state) => seen.push(state));
  return { reader, flow, seen };
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return error instanceof KioskError ? error.code : 'not a KioskError';
  }
  return undefined;
}

const untilScreen = (flow: Kiosk, screen: ScreenState['screen']) =>
  expect.poll(() => flow.state.screen, { timeout: 5000 }).toBe(screen);

describe('Kiosk: the issuance flow', () => {
  it('walks idle → menu → place card → PIN with the tries left read from the card', async () => {
    const { reader, flow } = await setup();
    await flow.handle({ type: 'start' });
    await flow.handle({ type: 'selectIssuance' });
    expect(flow.state.screen).toBe('placeCard');
    reader.insert(new VirtualJpkiCard(await makeTestProfile({ userAuthTriesLeft: 2 })));
    await untilScreen(flow, 'pin');
    expect(flow.state).toMatchObject({ screen: 'pin', triesLeft: 2, maxTries: 3 });
  });

  it('refuses intents that the current screen does not allow', async () => {
    const { flow } = await setup();
    expect(await codeOf(flow.handle({ type: 'confirm' }))).toBe('INVALID_STATE');
    expect(await codeOf(flow.handle({ type: 'submitPin', pin: '1234' }))).toBe('INVALID_STATE');
    expect(await codeOf(flow.handle({ type: 'selectCertificate', certificate: 'juminhyo' }))).toBe(
      'INVALID_STATE',
    );
    expect(flow.state.screen).toBe('idle');
  });

  it('a card pulled at the PIN screen returns to idle with CARD_REMOVED', async () => {
    const { reader, flow } = await setup();
    await flow.handle({ type: 'start' });
    await flow.handle({ type: 'selectIssuance' });
    reader.insert(new VirtualJpkiCard(await makeTestProfile()));
    await untilScreen(flow, 'pin');
    reader.remove();
    expect(flow.state).toMatchObject({ screen: 'idle', notice: { code: 'CARD_REMOVED' } });
  });

  it('a locked card shows the locked screen without spending anything', async () => {
    const { reader, flow } = await setup();
    await flow.handle({ type: 'start' });
    await flow.handle({ type: 'selectIssuance' });
    const card = new VirtualJpkiCard(await makeTestProfile({ userAuthTriesLeft: 0 }));
    reader.insert(card);
    await untilScreen(flow, 'pinLocked');
    expect(card.profile.userAuth.triesLeft).toBe(0);
  });

  it('a wrong PIN stays on the PIN screen with the new tries left; HQ unreachable after a right PIN resets', async () => {
    const { reader, flow } = await setup();
    await flow.handle({ type: 'start' });
    await flow.handle({ type: 'selectIssuance' });
    const card = new VirtualJpkiCard(await makeTestProfile({ userAuthPin: '1234' }));
    reader.insert(card);
    await untilScreen(flow, 'pin');
    await flow.handle({ type: 'submitPin', pin: '9999' });
    expect(flow.state).toMatchObject({
      screen: 'pin',
      triesLeft: 2,
      notice: { code: 'PIN_WRONG', triesLeft: 2 },
    });
    await flow.handle({ type: 'submitPin', pin: '1234' });
    expect(flow.state).toMatchObject({ screen: 'idle', notice: { code: 'HQ_UNAVAILABLE' } });
    expect(card.profile.userAuth.triesLeft).toBe(3);
  });

  it('warns after inactivity, "still here" keeps the transaction, then a timeout wipes it', async () => {
    const { flow, seen } = await setup({ idleMs: 60, warningMs: 150 });
    await flow.handle({ type: 'start' });
    await expect.poll(() => flow.state.inactivityResetAt).not.toBeNull();
    await flow.handle({ type: 'stillHere' });
    expect(flow.state).toMatchObject({ screen: 'serviceMenu', inactivityResetAt: null });
    await expect.poll(() => flow.state.screen, { timeout: 5000 }).toBe('idle');
    expect(flow.state.notice?.code).toBe('INACTIVITY_TIMEOUT');
    expect(seen.some((s) => s.screen === 'serviceMenu' && s.inactivityResetAt !== null)).toBe(true);
  });
});
