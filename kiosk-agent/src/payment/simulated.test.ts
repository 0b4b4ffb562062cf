import { describe, expect, it, vi } from 'vitest';
import { KioskError } from '../errors';
import { emptyCounts, makeChange, totalYen } from './change';
import type { Denomination, PaymentEvent, PaymentState } from './payment-device';
import { SimulatedPaymentDevice } from './simulated';

const fixedNow = () => new Date('2026-11-22T10:30:00.000Z');

function device(options: ConstructorParameters<typeof SimulatedPaymentDevice>[0] = {}) {
  const acceptor = new SimulatedPaymentDevice({ now: fixedNow, ...options });
  const inserted: PaymentEvent[] = [];
  const states: PaymentState[] = [];
  acceptor.onInserted((e) => inserted.push(e));
  acceptor.onState((s) => states.push(s));
  return { acceptor, inserted, states };
}

async function paymentFailed(promise: Promise<unknown>): Promise<KioskError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KioskError);
  expect((error as KioskError).code).toBe('PAYMENT_FAILED');
  return error as KioskError;
}

describe('SimulatedPaymentDevice', () => {
  it('reports each inserted piece with the running total', async () => {
    const { acceptor, inserted, states } = device();
    expect(acceptor.state).toBe('ready');
    await acceptor.startAccepting(600);
    expect(acceptor.state).toBe('accepting');
    for (const yen of [100, 50, 10, 500] as Denomination[]) expect(acceptor.insert(yen).accepted).toBe(true);
    expect(inserted).toEqual([
      { type: 'inserted', denominationYen: 100, insertedYen: 100 },
      { type: 'inserted', denominationYen: 50, insertedYen: 150 },
      { type: 'inserted', denominationYen: 10, insertedYen: 160 },
      { type: 'inserted', denominationYen: 500, insertedYen: 660 },
    ]);
    expect(states).toEqual(['accepting']);
    expect(acceptor.snapshot()).toMatchObject({ state: 'accepting', dueYen: 600, insertedYen: 660 });
  });

  it('settles, keeping the fee and paying change in the largest pieces from the float', async () => {
    const { acceptor, states } = device();
    const floatBefore = acceptor.snapshot().floatYen;
    await acceptor.startAccepting(600);
    acceptor.insert(1000);
    expect(await acceptor.settle(600)).toEqual({ keptYen: 600, changeYen: 400 });
    const snap = acceptor.snapshot();
    expect(snap.lastDispensed).toMatchObject({
      reason: 'change',
      yen: 400,
      pieces: [{ yen: 100, count: 4 }],
    });
    expect(snap).toMatchObject({
      state: 'ready',
      dueYen: null,
      insertedYen: 0,
      keptYen: 600,
      cashboxYen: 1000,
    });
    expect(snap.floatYen).toBe(floatBefore - 400);
    expect(snap.float.find((p) => p.yen === 100)?.count).toBe(46);
    expect(states).toEqual(['accepting', 'ready']);
    expect(acceptor.ledger().map((e) => e.kind)).toEqual([
      'started',
      'state',
      'inserted',
      'kept',
      'dispensed',
      'state',
    ]);
  });

  it("gives the customer's own coins back as change before touching the float", async () => {
    const { acceptor } = device();
    await acceptor.startAccepting(300);
    for (const yen of [100, 100, 100] as Denomination[]) acceptor.insert(yen);
    // Slots close once the due amount is reached: the fourth coin is given back at once.
    expect(acceptor.insert(100)).toEqual({ accepted: false, insertedYen: 300, reason: 'paid' });
    expect(await acceptor.settle(200)).toEqual({ keptYen: 200, changeYen: 100 });
    const snap = acceptor.snapshot();
    expect(snap.cashbox).toEqual([{ yen: 100, count: 2 }]);
    expect(snap.float.find((p) => p.yen === 100)?.count).toBe(50);
  });

  it('settles exactly with no change', async () => {
    const { acceptor } = device();
    await acceptor.startAccepting(350);
    acceptor.insert(100);
    acceptor.insert(100);
    acceptor.insert(100);
    acceptor.insert(50);
    expect(await acceptor.settle(350)).toEqual({ keptYen: 350, changeYen: 0 });
    expect(acceptor.snapshot().lastDispensed).toBeNull();
  });

  it('refuses to keep more than was inserted, and leaves the payment open', async () => {
    const { acceptor } = device();
    await acceptor.startAccepting(600);
    acceptor.insert(500);
    await paymentFailed(acceptor.settle(600));
    expect(acceptor.snapshot()).toMatchObject({ state: 'accepting', insertedYen: 500, keptYen: 0 });
    expect(await acceptor.cancel()).toEqual({ refundedYen: 500 });
  });

  it('cancel returns every inserted piece and closes the slots', async () => {
    const { acceptor, states } = device();
    await acceptor.startAccepting(3000);
    acceptor.insert(1000);
    acceptor.insert(500);
    acceptor.insert(10);
    expect(await acceptor.cancel()).toEqual({ refundedYen: 1510 });
    const snap = acceptor.snapshot();
    expect(snap.lastDispensed).toMatchObject({
      reason: 'cancel',
      yen: 1510,
      pieces: [
        { yen: 1000, count: 1 },
        { yen: 500, count: 1 },
        { yen: 10, count: 1 },
      ],
    });
    expect(snap).toMatchObject({ state: 'ready', insertedYen: 0, keptYen: 0, cashboxYen: 0 });
    expect(states).toEqual(['accepting', 'ready']);
    // Nothing open any more: a second cancel gives nothing back.
    expect(await acceptor.cancel()).toEqual({ refundedYen: 0 });
  });

  it('refunds kept fees from the float, but never more than was kept overall', async () => {
    const { acceptor } = device();
    await acceptor.startAccepting(900);
    acceptor.insert(1000);
    await acceptor.settle(900);
    await acceptor.refund(450);
    expect(acceptor.snapshot().lastDispensed).toMatchObject({
      reason: 'refund',
      yen: 450,
      pieces: [
        { yen: 100, count: 4 },
        { yen: 50, count: 1 },
      ],
    });
    expect(acceptor.snapshot().keptYen).toBe(450);
    await paymentFailed(acceptor.refund(460));
    await acceptor.refund(450);
    expect(acceptor.snapshot().keptYen).toBe(0);
    await paymentFailed(acceptor.refund(10));
  });

  it('gives back money inserted while not accepting', async () => {
    const { acceptor, inserted } = device();
    expect(acceptor.insert(500)).toEqual({ accepted: false, insertedYen: 0, reason: 'notAccepting' });
    await acceptor.startAccepting(300);
    acceptor.insert(500);
    await acceptor.settle(300);
    expect(acceptor.insert(100)).toEqual({ accepted: false, insertedYen: 0, reason: 'notAccepting' });
    expect(inserted.map((e) => e.denominationYen)).toEqual([500]);
    const rejected = acceptor.ledger().filter((e) => e.kind === 'rejected');
    expect(rejected).toEqual([
      { kind: 'rejected', yen: 500, reason: 'notAccepting', seq: 1, at: '2026-11-22T10:30:00.000Z' },
      expect.objectContaining({ kind: 'rejected', yen: 100, reason: 'notAccepting' }),
    ]);
  });

  it('refuses to start while unavailable, and works again once fixed', async () => {
    const { acceptor, states } = device();
    acceptor.setUnavailable(true);
    expect(acceptor.state).toBe('unavailable');
    await paymentFailed(acceptor.startAccepting(300));
    expect(acceptor.insert(100)).toMatchObject({ accepted: false, reason: 'unavailable' });
    acceptor.setUnavailable(false);
    await acceptor.startAccepting(300);
    expect(states).toEqual(['unavailable', 'ready', 'accepting']);
  });

  it('returns the inserted money when it goes unavailable while accepting', async () => {
    const { acceptor, states } = device();
    await acceptor.startAccepting(300);
    acceptor.insert(500);
    await acceptor.settle(300);
    await acceptor.startAccepting(1000);
    acceptor.insert(500);
    acceptor.insert(100);
    acceptor.setUnavailable(true);
    expect(states).toEqual(['accepting', 'ready', 'accepting', 'unavailable']);
    expect(acceptor.snapshot()).toMatchObject({
      state: 'unavailable',
      dueYen: null,
      insertedYen: 0,
      lastDispensed: { reason: 'unavailable', yen: 600 },
    });
    // The payment is over: settling fails, cancelling has nothing left to give back.
    await paymentFailed(acceptor.settle(0));
    expect(await acceptor.cancel()).toEqual({ refundedYen: 0 });
    // Nothing can be paid out while out of order, even a fee that was kept.
    await paymentFailed(acceptor.refund(100));
    acceptor.setUnavailable(false);
    await acceptor.refund(100);
    expect(acceptor.snapshot()).toMatchObject({ state: 'ready', keptYen: 200, cashboxYen: 500 });
  });

  it('rejects a bill the float could not give change for, and takes it once change is possible', async () => {
    // Only ten 100-yen coins for change: a 5000-yen bill against a 300-yen fee would need 4700.
    const { acceptor } = device({ float: { 100: 10 } });
    await acceptor.startAccepting(300);
    expect(acceptor.insert(5000)).toEqual({ accepted: false, insertedYen: 0, reason: 'noChange' });
    expect(acceptor.insert(1000)).toEqual({ accepted: true, insertedYen: 1000 });
    expect(await acceptor.settle(300)).toEqual({ keptYen: 300, changeYen: 700 });
    // Three 100-yen coins left: the next 1000-yen bill cannot be changed either.
    await acceptor.startAccepting(300);
    expect(acceptor.insert(1000).reason).toBe('noChange');
    expect(acceptor.insert(500).accepted).toBe(true);
    await acceptor.settle(300);
    expect(acceptor.snapshot().float).toEqual([{ yen: 100, count: 1 }]);
    await paymentFailed(acceptor.refund(200));
  });

  it('refuses to start a second payment while one is open', async () => {
    const { acceptor } = device();
    await acceptor.startAccepting(300);
    await paymentFailed(acceptor.startAccepting(300));
  });

  it.each([
    ['startAccepting(0)', (a: SimulatedPaymentDevice) => a.startAccepting(0)],
    ['startAccepting(-100)', (a: SimulatedPaymentDevice) => a.startAccepting(-100)],
    ['startAccepting(305)', (a: SimulatedPaymentDevice) => a.startAccepting(305)],
    ['startAccepting(1.5)', (a: SimulatedPaymentDevice) => a.startAccepting(1.5)],
    ['startAccepting(NaN)', (a: SimulatedPaymentDevice) => a.startAccepting(Number.NaN)],
    ['settle(-10)', (a: SimulatedPaymentDevice) => a.settle(-10)],
    ['refund(15)', (a: SimulatedPaymentDevice) => a.refund(15)],
  ])('rejects the invalid amount %s', async (_name, call) => {
    const { acceptor } = device();
    await expect(call(acceptor)).rejects.toBeInstanceOf(RangeError);
    expect(acceptor.state).toBe('ready');
  });

  it('rejects coins that do not exist and a float with negative counts', () => {
    const { acceptor } = device();
    expect(() => acceptor.insert(20 as Denomination)).toThrow(RangeError);
    expect(() => new SimulatedPaymentDevice({ float: { 100: -1 } })).toThrow(RangeError);
  });

  it('keeps calling the other listeners when one throws', async () => {
    const { acceptor, inserted } = device();
    acceptor.onInserted(() => {
      throw new Error('broken listener');
    });
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await acceptor.startAccepting(100);
    expect(acceptor.insert(100).accepted).toBe(true);
    expect(inserted).toHaveLength(1);
    spy.mockRestore();
  });
});

describe('makeChange', () => {
  it('pays largest first', () => {
    const float = { ...emptyCounts(), 10: 50, 50: 50, 100: 50, 500: 50, 1000: 20 };
    expect(makeChange(1660, float)).toEqual([
      { yen: 1000, count: 1 },
      { yen: 500, count: 1 },
      { yen: 100, count: 1 },
      { yen: 50, count: 1 },
      { yen: 10, count: 1 },
    ]);
  });

  it('backs off a large piece when the smaller ones cannot make the rest', () => {
    const pieces = makeChange(6000, { ...emptyCounts(), 5000: 1, 2000: 3 });
    expect(pieces).toEqual([{ yen: 2000, count: 3 }]);
  });

  it('says when the amount cannot be paid exactly', () => {
    expect(makeChange(30, { ...emptyCounts(), 50: 10, 10: 2 })).toBeUndefined();
    const pieces = makeChange(980, { ...emptyCounts(), 500: 1, 100: 4, 50: 1, 10: 3 });
    expect(pieces && totalYen(pieces)).toBe(980);
  });
});
