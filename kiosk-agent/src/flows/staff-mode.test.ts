import { randomBytes, scryptSync } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { EmulatorReader } from '../card/emulator-reader';
import { KioskError } from '../errors';
import { HqClient } from '../hq/client';
import { openJournal } from '../journal/index';
import { SimulatedPaymentDevice } from '../payment/simulated';
import { SimulatedPrinter } from '../printer/simulated';
import { StaffCodeCheck } from '../staff/staff-code';
import { Kiosk } from './kiosk';

const CODE = '246810';
const kiosks: Kiosk[] = [];
afterEach(async () => {
  await Promise.all(kiosks.splice(0).map((kiosk) => kiosk.close()));
});

async function setup(inactivity = { idleMs: 60_000, warningMs: 20_000 }) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'staff-test-'));
  const salt = randomBytes(16);
  const staffFile = path.join(dir, 'staff.json');
  await writeFile(
    staffFile,
    JSON.stringify({ salt: salt.toString('base64'), scrypt: scryptSync(CODE, salt, 32).toString('base64') }),
  );
  const printer = new SimulatedPrinter(path.join(dir, 'output'));
  const kiosk = new Kiosk({
    journal: await openJournal(path.join(dir, 'journal')),
    staffCode: await StaffCodeCheck.load(staffFile),
    reader: new EmulatorReader('test reader'),
    printer,
    hq: new HqClient({
      baseUrl: 'http://127.0.0.1:9',
      credentials: { terminalId: 'T-TEST' },
      retries: 0,
    }),
    payment: new SimulatedPaymentDevice(),
    documentPublicKey: '',
    render: () => Promise.reject(new Error('not used')),
    logger: pino({ level: 'silent' }),
    inactivity,
  });
  kiosks.push(kiosk);
  return { kiosk, printer };
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return error instanceof KioskError ? error.code : 'not a KioskError';
  }
  return undefined;
}

async function login(kiosk: Kiosk) {
  await kiosk.handle({ type: 'enterStaffMode' });
  await kiosk.handle({ type: 'staffLogin', code: CODE });
  expect(kiosk.state.screen).toBe('staffMenu');
}

describe('staff mode', () => {
  it('needs the right staff code and is entered only between customers', async () => {
    const { kiosk } = await setup();
    await kiosk.handle({ type: 'enterStaffMode' });
    await kiosk.handle({ type: 'staffLogin', code: '000000' });
    expect(kiosk.state).toMatchObject({ screen: 'staffLogin', notice: { code: 'STAFF_CODE_WRONG' } });
    await kiosk.handle({ type: 'cancel' });
    await kiosk.handle({ type: 'start' });
    expect(await codeOf(kiosk.handle({ type: 'enterStaffMode' }))).toBe('INVALID_STATE');
  });

  it('takes the kiosk out of service and back; customers cannot start meanwhile', async () => {
    const { kiosk } = await setup();
    await login(kiosk);
    await kiosk.handle({ type: 'staffAction', action: 'outOfService' });
    expect(kiosk.state).toMatchObject({
      screen: 'staffMenu',
      outOfService: true,
      lastAction: 'outOfService',
    });
    await kiosk.handle({ type: 'staffAction', action: 'exit' });
    expect(kiosk.state.screen).toBe('outOfService');
    expect(await codeOf(kiosk.handle({ type: 'start' }))).toBe('OUT_OF_SERVICE');
    await login(kiosk);
    await kiosk.handle({ type: 'staffAction', action: 'inService' });
    await kiosk.handle({ type: 'staffAction', action: 'exit' });
    expect(kiosk.state.screen).toBe('idle');
    await kiosk.handle({ type: 'start' });
    expect(kiosk.state.screen).toBe('serviceMenu');
  });

  it('prints a test page, refills paper, and reports a printer that is still faulted', async () => {
    const { kiosk, printer } = await setup();
    await login(kiosk);
    await kiosk.handle({ type: 'staffAction', action: 'testPage' });
    expect(await printer.listPrints()).toHaveLength(1);
    printer.injectFaultRequest({ kind: 'paperOut' });
    await kiosk.handle({ type: 'staffAction', action: 'resume' });
    expect(kiosk.state).toMatchObject({ screen: 'staffMenu', notice: { code: 'PRINTER_FAILED' } });
    expect(kiosk.state).toMatchObject({ printer: { state: 'paperOut' } });
    printer.clearFault();
    await kiosk.handle({ type: 'staffAction', action: 'refillPaper' });
    expect(kiosk.state).toMatchObject({
      screen: 'staffMenu',
      printer: { state: 'idle' },
      lastAction: 'refillPaper',
    });
  });

  it('staff who walk away leave staff mode', async () => {
    const { kiosk } = await setup({ idleMs: 40, warningMs: 40 });
    await login(kiosk);
    await expect.poll(() => kiosk.state.screen, { timeout: 5000 }).toBe('idle');
  });
});
