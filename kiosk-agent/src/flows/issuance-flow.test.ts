import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { EmulatorReader } from '../card/emulator-reader';
import { VirtualJpkiCard } from '../card/emulator/virtual-card';
import { makeTestProfile } from '../card/emulator/testing/test-keys';
import { KioskError } from '../errors';
import { openJournal } from '../journal/index';
import { SimulatedPaymentDevice } from '../payment/simulated';
import { SimulatedPrinter } from '../printer/simulated';
import type { ScreenState } from '../protocol/state';
import type { StaffCodeCheck } from '../staff/staff-code';
import { Kiosk } from './kiosk';
import { FakeHq } from './testing/fake-hq';

const kiosks: Kiosk[] = [];
afterEach(async () => {
  await Promise.all(kiosks.splice(0).map((kiosk) => kiosk.close()));
});

// A 1×1 PNG: the flow never looks inside pages, the printer simulator writes them as they are.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==',
  'base64',
);
const STAFF = {
  matchingId: (code: string) => (code === '246810' ? '0123456789abcdef' : null),
} as unknown as StaffCodeCheck;

async function setup() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'issuance-flow-'));
  const reader = new EmulatorReader('test reader');
  const printer = new SimulatedPrinter(path.join(dir, 'out'));
  const payment = new SimulatedPaymentDevice();
  const hq = new FakeHq();
  const rendered: string[] = [];
  const kiosk = new Kiosk({
    journal: await openJournal(path.join(dir, 'journal')),
    reader,
    printer,
    payment,
    hq: hq.client,
    documentPublicKey: hq.keys.publicKeyPem,
    render: async (doc) => {
      rendered.push(doc.serial);
      return [
        { pageNumber: 1, pages: 1, widthPx: 1, heightPx: 1, png: Buffer.from(PNG), substitutedChars: 0 },
      ];
    },
    logger: pino({ level: 'silent' }),
    inactivity: { idleMs: 60_000, warningMs: 20_000 },
    staffCode: STAFF,
  });
  kiosks.push(kiosk);
  const card = new VirtualJpkiCard(await makeTestProfile({ userAuthPin: '1234' }));
  return { kiosk, reader, printer, payment, hq, card, rendered };
}

type Setup = Awaited<ReturnType<typeof setup>>;

const until = (kiosk: Kiosk, screen: ScreenState['screen']) =>
  expect.poll(() => kiosk.state.screen, { timeout: 5000 }).toBe(screen);

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return error instanceof KioskError ? error.code : 'not a KioskError';
  }
  return undefined;
}

/** Menu → card → PIN → the offer. */
async function authenticateUpToChoice({ kiosk, reader, card }: Setup) {
  await kiosk.handle({ type: 'start' });
  await kiosk.handle({ type: 'selectIssuance' });
  reader.insert(card);
  await until(kiosk, 'pin');
  await kiosk.handle({ type: 'submitPin', pin: '1234' });
  await until(kiosk, 'chooseCertificate');
}

async function payFor(s: Setup, copies: number) {
  await authenticateUpToChoice(s);
  await s.kiosk.handle({ type: 'selectCertificate', certificate: 'juminhyo' });
  if (copies !== 1) await s.kiosk.handle({ type: 'setCopies', copies });
  await s.kiosk.handle({ type: 'confirm' });
  await until(s.kiosk, 'payment');
}

/** After a paid one-copy order (¥300): nothing printed, the whole fee refunded and none kept, `code` shown. */
async function expectNothingPrintedAllRefunded(s: Setup, code: string) {
  await until(s.kiosk, 'takeCertificate');
  expect(s.kiosk.state).toMatchObject({ printedCopies: 0, refundedYen: 300, notice: { code } });
  expect(s.payment.snapshot().keptYen).toBe(0);
  expect(s.rendered).toEqual([]);
}

describe('IssuanceFlow: offer, options, payment, card out, printing', () => {
  it('prints the default 住民票 after the card is taken back, keeping exactly the fee and giving change', async () => {
    const s = await setup();
    await payFor(s, 2);
    expect(s.kiosk.state).toMatchObject({ screen: 'payment', dueYen: 600, insertedYen: 0 });
    expect(s.payment.insert(500).accepted).toBe(true);
    await expect.poll(() => (s.kiosk.state.screen === 'payment' ? s.kiosk.state.insertedYen : -1)).toBe(500);
    s.payment.insert(1000);
    await until(s.kiosk, 'removeCard');
    expect(s.kiosk.state).toMatchObject({ screen: 'removeCard', changeYen: 900 });
    // Nothing is printed while the card is still in the reader.
    expect(s.rendered).toEqual([]);
    expect(s.hq.issued[0]).toMatchObject({
      copies: 2,
      options: { type: 'juminhyo', members: ['m-self'], householderAndRelationship: true, myNumber: false },
    });
    s.reader.remove();
    await until(s.kiosk, 'takeCertificate');
    expect(s.kiosk.state).toMatchObject({ printedCopies: 2, copies: 2, refundedYen: 0 });
    expect(s.rendered).toHaveLength(2);
    expect(s.hq.reports.map((r) => r.status)).toEqual(['printed', 'printed']);
    expect(s.payment.snapshot()).toMatchObject({ keptYen: 600 });
    await s.kiosk.handle({ type: 'finish' });
    expect(s.kiosk.state).toMatchObject({ screen: 'idle', language: 'ja' });
  });

  it('cancel during payment returns every yen inserted and asks HQ for nothing', async () => {
    const s = await setup();
    await payFor(s, 1);
    s.payment.insert(100);
    s.payment.insert(100);
    await s.kiosk.handle({ type: 'cancel' });
    expect(s.kiosk.state.screen).toBe('idle');
    await expect.poll(() => s.payment.snapshot().state).toBe('ready');
    expect(s.payment.snapshot().keptYen).toBe(0);
    const returned = s.payment.ledger().filter((e) => e.kind === 'dispensed');
    expect(
      returned.reduce((sum, e) => sum + (e.kind === 'dispensed' && e.reason === 'cancel' ? e.yen : 0), 0),
    ).toBe(200);
    expect(s.hq.issued).toEqual([]);
  });

  it('a card pulled during payment ends the transaction and returns the money', async () => {
    const s = await setup();
    await payFor(s, 1);
    s.payment.insert(100);
    s.reader.remove();
    expect(s.kiosk.state).toMatchObject({ screen: 'idle', notice: { code: 'CARD_REMOVED' } });
    await expect.poll(() => s.payment.snapshot().state).toBe('ready');
    expect(s.payment.snapshot().keptYen).toBe(0);
  });

  it('HQ failing after payment refunds the whole fee, visibly', async () => {
    const s = await setup();
    await payFor(s, 1);
    s.hq.failIssue = true;
    s.payment.insert(500);
    await expectNothingPrintedAllRefunded(s, 'HQ_UNAVAILABLE');
  });

  it('a fee at HQ other than the one paid prints nothing and refunds everything', async () => {
    const s = await setup();
    await payFor(s, 1);
    s.hq.certificates[0] = { ...s.hq.certificates[0]!, feeYen: 400 }; // the fee changed after the offer
    s.payment.insert(500);
    await expectNothingPrintedAllRefunded(s, 'HQ_REJECTED');
  });

  it('a jam that staff cannot clear refunds the copies not printed', async () => {
    const s = await setup();
    await payFor(s, 2);
    s.printer.injectFault({ state: 'jam', where: 'fuser' }, { atPage: 2 });
    s.payment.insert(1000);
    await until(s.kiosk, 'removeCard');
    s.reader.remove();
    await until(s.kiosk, 'callStaff');
    await s.kiosk.handle({ type: 'enterStaffMode' });
    await s.kiosk.handle({ type: 'staffLogin', code: '246810' });
    await s.kiosk.handle({ type: 'staffAction', action: 'cancelJob' });
    await until(s.kiosk, 'takeCertificate');
    expect(s.kiosk.state).toMatchObject({ printedCopies: 1, copies: 2, refundedYen: 300 });
    expect(s.payment.snapshot().keptYen).toBe(300);
    expect(s.hq.reports.map((r) => r.status).sort()).toEqual(['printed', 'spoiled']);
  });

  it('a resident refused by the municipality sees why and is offered nothing', async () => {
    const s = await setup();
    s.hq.refusal = 'underAge';
    await s.kiosk.handle({ type: 'start' });
    await s.kiosk.handle({ type: 'selectIssuance' });
    s.reader.insert(s.card);
    await until(s.kiosk, 'pin');
    await s.kiosk.handle({ type: 'submitPin', pin: '1234' });
    await until(s.kiosk, 'refused');
    expect(s.kiosk.state).toMatchObject({ screen: 'refused', reason: 'underAge' });
    expect(await codeOf(s.kiosk.handle({ type: 'selectCertificate', certificate: 'juminhyo' }))).toBe(
      'INVALID_STATE',
    );
  });

  it('refuses an unavailable certificate and options outside the offer, keeping the screen', async () => {
    const s = await setup();
    s.hq.certificates[1] = { ...s.hq.certificates[1]!, available: false, refusal: 'notRegistered' };
    await authenticateUpToChoice(s);
    expect(await codeOf(s.kiosk.handle({ type: 'selectCertificate', certificate: 'sealRegistration' }))).toBe(
      'SERVICE_REFUSED',
    );
    await s.kiosk.handle({ type: 'selectCertificate', certificate: 'juminhyo' });
    const juminhyo = {
      type: 'juminhyo' as const,
      members: ['m-self', 'someone-else'],
      householderAndRelationship: true,
      honseki: false,
      myNumber: false,
      foreignResidentFields: false,
    };
    expect(await codeOf(s.kiosk.handle({ type: 'setOptions', options: juminhyo }))).toBe('OPTIONS_INVALID');
    expect(
      await codeOf(
        s.kiosk.handle({
          type: 'setOptions',
          options: { ...juminhyo, members: 'household', foreignResidentFields: true },
        }),
      ),
    ).toBe('OPTIONS_INVALID');
    await s.kiosk.handle({
      type: 'setOptions',
      options: { ...juminhyo, members: 'household', honseki: true },
    });
    expect(s.kiosk.state).toMatchObject({
      screen: 'options',
      options: { members: 'household', honseki: true },
    });
  });

  it('language and display modes last for one customer only', async () => {
    const s = await setup();
    await s.kiosk.handle({ type: 'start' });
    await s.kiosk.handle({ type: 'selectLanguage', language: 'vi' });
    await s.kiosk.handle({ type: 'setDisplay', display: { largeText: true, highContrast: true } });
    expect(s.kiosk.state).toMatchObject({ language: 'vi', display: { largeText: true, highContrast: true } });
    await s.kiosk.handle({ type: 'cancel' });
    expect(s.kiosk.state).toMatchObject({
      screen: 'idle',
      language: 'ja',
      display: { largeText: false, highContrast: false },
    });
  });
});
