import { randomBytes, scryptSync } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { EmulatorReader } from '../card/emulator-reader';
import { KioskError } from '../errors';
import { HqClient } from '../hq/client';
import { JOURNAL_FILE, openJournal, type Journal } from '../journal/index';
import { JOB, S, done, rec } from '../journal/test-records';
import { OwedRefunds } from '../payment/owed-refunds';
import { SimulatedPaymentDevice } from '../payment/simulated';
import { SimulatedPrinter } from '../printer/simulated';
import { StaffCodeCheck, staffCodeId } from '../staff/staff-code';
import { Kiosk } from './kiosk';

const CODE = '246810';
const kiosks: Kiosk[] = [];
afterEach(async () => {
  await Promise.all(kiosks.splice(0).map((kiosk) => kiosk.close()));
});

async function setup(
  inactivity = { idleMs: 60_000, warningMs: 20_000 },
  seed: (journal: Journal) => Promise<void> = async () => undefined,
) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'staff-test-'));
  const salt = randomBytes(16);
  const staffFile = path.join(dir, 'staff.json');
  const staffRecord = {
    salt: salt.toString('base64'),
    scrypt: scryptSync(CODE, salt, 32).toString('base64'),
  };
  await writeFile(staffFile, JSON.stringify(staffRecord));
  const printer = new SimulatedPrinter(path.join(dir, 'output'));
  const journal = await openJournal(path.join(dir, 'journal'));
  await seed(journal);
  const logger = pino({ level: 'silent' });
  const kiosk = new Kiosk({
    journal,
    owedRefunds: new OwedRefunds(journal, logger),
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
  const journalLines = async () =>
    (await readFile(path.join(dir, 'journal', JOURNAL_FILE), 'utf8')).split('\n').filter(Boolean);
  return { kiosk, printer, journal, journalLines, staffCodeId: staffCodeId(staffRecord) };
}

const OTHER_JOB = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const REFUND_A = '11111111-2222-4333-8444-555555555555';
const REFUND_B = '66666666-7777-4888-9999-aaaaaaaaaaaa';

/** Two jobs a restart refunded: 300 yen owed for one copy of the first, 600 for both of the second. */
async function twoOwed(journal: Journal): Promise<void> {
  for (const r of [
    rec.opened(2),
    rec.paid(600),
    ...done(S(1), 0),
    rec.owed(300, JOB, REFUND_A),
    rec.refunded([1], 300),
    rec.closed('refunded'),
    rec.opened(2, 600, OTHER_JOB),
    rec.paid(600, OTHER_JOB),
    { ...rec.owed(600, OTHER_JOB, REFUND_B), at: '2026-11-22T12:00:00.000Z' },
    rec.refunded([0, 1], 600, OTHER_JOB),
    rec.closed('refunded', OTHER_JOB),
  ]) {
    await journal.append(r);
  }
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

  it('lists refunds owed (amount and time only) and settles each once, journaling the staff code id', async () => {
    const { kiosk, journal, journalLines, staffCodeId: codeId } = await setup(undefined, twoOwed);
    await login(kiosk);
    expect(kiosk.state).toMatchObject({ owedRefunds: { count: 2, totalYen: 900 } });
    await kiosk.handle({ type: 'showOwedRefunds' });
    expect(kiosk.state).toMatchObject({
      screen: 'staffOwedRefunds',
      lastSettled: null,
      refunds: [
        { refundId: REFUND_A, amountYen: 300, owedAt: '2026-11-22T10:30:00.000Z' },
        { refundId: REFUND_B, amountYen: 600, owedAt: '2026-11-22T12:00:00.000Z' },
      ],
    });
    // Nothing about the job or the customer on the staff screen.
    expect(Object.keys((kiosk.state as { refunds: object[] }).refunds[0]!).sort()).toEqual([
      'amountYen',
      'owedAt',
      'refundId',
    ]);

    await kiosk.handle({ type: 'settleOwedRefund', refundId: REFUND_A });
    expect(kiosk.state).toMatchObject({
      screen: 'staffOwedRefunds',
      lastSettled: { amountYen: 300 },
      refunds: [{ refundId: REFUND_B }],
    });
    expect(journal.owedRefund(REFUND_A)?.settled).toMatchObject({ staffCodeId: codeId });
    const lines = await journalLines();
    expect(lines.at(-1)).toContain(`"type":"refund.settled"`);
    expect(lines.join('\n')).not.toContain(CODE);

    // Again, or an unknown one: a clear error, nothing written.
    expect(await codeOf(kiosk.handle({ type: 'settleOwedRefund', refundId: REFUND_A }))).toBe(
      'REFUND_ALREADY_SETTLED',
    );
    expect(kiosk.state).toMatchObject({
      screen: 'staffOwedRefunds',
      notice: { code: 'REFUND_ALREADY_SETTLED' },
    });
    expect(await codeOf(kiosk.handle({ type: 'settleOwedRefund', refundId: OTHER_JOB }))).toBe(
      'REFUND_NOT_FOUND',
    );
    expect(await journalLines()).toEqual(lines);

    // Back to the menu, which counts what is left.
    await kiosk.handle({ type: 'cancel' });
    expect(kiosk.state).toMatchObject({ screen: 'staffMenu', owedRefunds: { count: 1, totalYen: 600 } });
  });

  it('owed refunds are for staff only, from the staff menu', async () => {
    const { kiosk } = await setup(undefined, twoOwed);
    expect(await codeOf(kiosk.handle({ type: 'showOwedRefunds' }))).toBe('INVALID_STATE');
    expect(await codeOf(kiosk.handle({ type: 'settleOwedRefund', refundId: REFUND_A }))).toBe(
      'INVALID_STATE',
    );
    await login(kiosk);
    expect(await codeOf(kiosk.handle({ type: 'settleOwedRefund', refundId: REFUND_A }))).toBe(
      'INVALID_STATE',
    );
    await kiosk.handle({ type: 'showOwedRefunds' });
    await kiosk.handle({ type: 'cancel' });
    await kiosk.handle({ type: 'staffAction', action: 'exit' });
    expect(kiosk.state.screen).toBe('idle');
    expect(await codeOf(kiosk.handle({ type: 'settleOwedRefund', refundId: REFUND_A }))).toBe(
      'INVALID_STATE',
    );
  });

  it('staff who walk away leave staff mode', async () => {
    const { kiosk } = await setup({ idleMs: 40, warningMs: 40 });
    await login(kiosk);
    await expect.poll(() => kiosk.state.screen, { timeout: 5000 }).toBe('idle');
  });
});
