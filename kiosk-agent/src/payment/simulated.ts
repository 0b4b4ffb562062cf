import { KioskError } from '../errors';
import {
  checkYen,
  defaultFloat,
  emptyCounts,
  makeChange,
  toPieces,
  totalYen,
  withdraw,
  type CashCounts,
  type Pieces,
} from './change';
import {
  Ledger,
  type DispensedEntry,
  type DispenseReason,
  type LedgerEntry,
  type RejectReason,
} from './ledger';
import {
  DENOMINATIONS,
  type Denomination,
  type PaymentDevice,
  type PaymentEvent,
  type PaymentState,
} from './payment-device';

export interface SimulatedPaymentOptions {
  /** Change float at start (pieces per denomination; default: 50 of each coin and 20 × 1000 yen). */
  float?: Partial<CashCounts>;
  /** Clock for ledger times; tests pass a fixed one. */
  now?: () => Date;
}

export interface InsertResult {
  accepted: boolean;
  /** Inserted since startAccepting (0 when not accepting). */
  insertedYen: number;
  /** Why the piece was given back, when it was. */
  reason?: RejectReason;
}

/** What the dev panel and tests see. */
export interface PaymentSnapshot {
  state: PaymentState;
  /** Due amount of the open payment, null when the slots are closed. */
  dueYen: number | null;
  insertedYen: number;
  /** Fees kept overall, less refunds: the most `refund` may still pay back. */
  keptYen: number;
  /** Yen physically in the locked cashbox (inserted pieces not given back as change). */
  cashboxYen: number;
  cashbox: Pieces[];
  floatYen: number;
  float: Pieces[];
  /** Last 20 dispenses (change, returned payments, refunds), oldest first. */
  dispensed: DispensedEntry[];
  lastDispensed: DispensedEntry | null;
}

interface Payment {
  dueYen: number;
  /** The pieces inserted so far, held in escrow until settled or returned. */
  escrow: CashCounts;
  insertedYen: number;
}

/**
 * A coin and bill acceptor for development, demos and tests, behaving like a real one towards the flow.
 * Inserted pieces wait in escrow: cancelling (or a fault) gives the customer's own pieces back, so a
 * return can never fail. Settling pays change from escrow and the finite change float, largest pieces
 * first, and drops the rest into the cashbox; refunds come from the float. While accepting, a piece is
 * given straight back when the due amount is already reached or when the change it would need could
 * not be paid exactly, so settling the due amount always succeeds.
 *
 * `insert()` stands for a customer's hand (dev panel, tests); `setUnavailable()` for a fault.
 */
export class SimulatedPaymentDevice implements PaymentDevice {
  private current: PaymentState = 'ready';
  private payment: Payment | undefined;
  private floatCounts: CashCounts;
  private cashboxCounts = emptyCounts();
  private kept = 0;
  private readonly log: Ledger;
  private readonly insertedListeners = new Set<(event: PaymentEvent) => void>();
  private readonly stateListeners = new Set<(state: PaymentState) => void>();

  constructor(options: SimulatedPaymentOptions = {}) {
    this.floatCounts = options.float ? { ...emptyCounts(), ...options.float } : defaultFloat();
    for (const yen of DENOMINATIONS) {
      const count = this.floatCounts[yen];
      if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`float of ${yen} yen must be ≥ 0`);
    }
    this.log = new Ledger(options.now ?? (() => new Date()));
  }

  get state(): PaymentState {
    return this.current;
  }

  async startAccepting(dueYen: number): Promise<void> {
    checkYen('dueYen', dueYen, { positive: true });
    if (this.current === 'unavailable') throw new KioskError('PAYMENT_FAILED', 'acceptor unavailable');
    if (this.payment) throw new KioskError('PAYMENT_FAILED', 'already accepting');
    this.payment = { dueYen, escrow: emptyCounts(), insertedYen: 0 };
    this.log.add({ kind: 'started', dueYen });
    this.setState('accepting');
  }

  onInserted(listener: (event: PaymentEvent) => void): () => void {
    this.insertedListeners.add(listener);
    return () => {
      this.insertedListeners.delete(listener);
    };
  }

  onState(listener: (state: PaymentState) => void): () => void {
    this.stateListeners.add(listener);
    return () => {
      this.stateListeners.delete(listener);
    };
  }

  async settle(keepYen: number): Promise<{ keptYen: number; changeYen: number }> {
    checkYen('keepYen', keepYen);
    const payment = this.payment;
    if (!payment) throw new KioskError('PAYMENT_FAILED', `settle while ${this.current}`);
    if (keepYen > payment.insertedYen) {
      throw new KioskError('PAYMENT_FAILED', `keep ${keepYen} yen of ${payment.insertedYen} inserted`);
    }
    const changeYen = payment.insertedYen - keepYen;
    const change = this.changeFor(payment.escrow, changeYen);
    // Only when keeping less than due: the check at insertion covered the due amount.
    if (!change) throw new KioskError('PAYMENT_FAILED', `cannot pay ${changeYen} yen change exactly`);
    // The customer's own pieces go back first; the float tops up what escrow lacks.
    let escrow = payment.escrow;
    for (const p of change) {
      const fromEscrow = Math.min(p.count, escrow[p.yen]);
      escrow = withdraw(escrow, [{ yen: p.yen, count: fromEscrow }]);
      this.floatCounts = withdraw(this.floatCounts, [{ yen: p.yen, count: p.count - fromEscrow }]);
    }
    for (const yen of DENOMINATIONS) this.cashboxCounts[yen] += escrow[yen];
    this.payment = undefined;
    this.kept += keepYen;
    this.log.add({ kind: 'kept', yen: keepYen });
    if (changeYen > 0) this.dispense('change', change);
    this.setState('ready');
    return { keptYen: keepYen, changeYen };
  }

  async cancel(): Promise<{ refundedYen: number }> {
    const payment = this.payment;
    // Nothing open (never started, already settled, or returned by a fault): nothing to give back.
    if (!payment) return { refundedYen: 0 };
    this.payment = undefined;
    this.dispense('cancel', toPieces(payment.escrow));
    this.setState('ready');
    return { refundedYen: payment.insertedYen };
  }

  async refund(amountYen: number): Promise<void> {
    checkYen('amountYen', amountYen);
    if (amountYen === 0) return;
    if (amountYen > this.kept) {
      throw new KioskError('PAYMENT_FAILED', `refund ${amountYen} yen of ${this.kept} kept`);
    }
    if (this.current === 'unavailable') throw new KioskError('PAYMENT_FAILED', 'acceptor unavailable');
    const pieces = makeChange(amountYen, this.floatCounts);
    if (!pieces) throw new KioskError('PAYMENT_FAILED', `cannot pay ${amountYen} yen back exactly`);
    this.floatCounts = withdraw(this.floatCounts, pieces);
    this.kept -= amountYen;
    this.dispense('refund', pieces);
  }

  /** A customer puts a coin or bill in (dev panel, tests). Rejected pieces are given back at once. */
  insert(yen: Denomination): InsertResult {
    if (!(DENOMINATIONS as readonly number[]).includes(yen)) {
      throw new RangeError(`${String(yen)} yen is not a Japanese coin or bill`);
    }
    const payment = this.payment;
    const reason = this.rejectReason(payment, yen);
    if (reason || !payment) {
      this.log.add({ kind: 'rejected', yen, reason: reason ?? 'notAccepting' });
      return { accepted: false, insertedYen: payment?.insertedYen ?? 0, reason: reason ?? 'notAccepting' };
    }
    payment.escrow[yen] += 1;
    payment.insertedYen += yen;
    this.log.add({ kind: 'inserted', yen, insertedYen: payment.insertedYen });
    const event: PaymentEvent = { type: 'inserted', denominationYen: yen, insertedYen: payment.insertedYen };
    for (const listener of [...this.insertedListeners]) safely(() => listener(event));
    return { accepted: true, insertedYen: payment.insertedYen };
  }

  /**
   * Fault seam: out of order (jammed, cashbox full, door open) or working again. Going unavailable
   * while accepting gives the inserted pieces back and ends that payment; listeners see 'unavailable'.
   */
  setUnavailable(unavailable: boolean): void {
    if (!unavailable) {
      if (this.current === 'unavailable') this.setState('ready');
      return;
    }
    if (this.current === 'unavailable') return;
    const payment = this.payment;
    this.payment = undefined;
    if (payment && payment.insertedYen > 0) this.dispense('unavailable', toPieces(payment.escrow));
    this.setState('unavailable');
  }

  /** Everything that happened, oldest first (bounded to the last 5000 lines). */
  ledger(): LedgerEntry[] {
    return this.log.all();
  }

  snapshot(): PaymentSnapshot {
    const dispensed = this.log.dispensed(20);
    return {
      state: this.current,
      dueYen: this.payment?.dueYen ?? null,
      insertedYen: this.payment?.insertedYen ?? 0,
      keptYen: this.kept,
      cashboxYen: totalYen(toPieces(this.cashboxCounts)),
      cashbox: toPieces(this.cashboxCounts),
      floatYen: totalYen(toPieces(this.floatCounts)),
      float: toPieces(this.floatCounts),
      dispensed,
      lastDispensed: dispensed.at(-1) ?? null,
    };
  }

  private rejectReason(payment: Payment | undefined, yen: Denomination): RejectReason | undefined {
    if (this.current === 'unavailable') return 'unavailable';
    if (!payment) return 'notAccepting';
    if (payment.insertedYen >= payment.dueYen) return 'paid';
    const changeYen = payment.insertedYen + yen - payment.dueYen;
    if (changeYen <= 0) return undefined;
    const escrow = { ...payment.escrow, [yen]: payment.escrow[yen] + 1 };
    return this.changeFor(escrow, changeYen) ? undefined : 'noChange';
  }

  /** Change from the escrowed pieces and the float together, or undefined when it cannot be exact. */
  private changeFor(escrow: CashCounts, changeYen: number): Pieces[] | undefined {
    const pool = { ...this.floatCounts };
    for (const yen of DENOMINATIONS) pool[yen] += escrow[yen];
    return makeChange(changeYen, pool);
  }

  private dispense(reason: DispenseReason, pieces: Pieces[]): void {
    this.log.add({ kind: 'dispensed', reason, yen: totalYen(pieces), pieces });
  }

  private setState(state: PaymentState): void {
    if (state === this.current) return;
    this.current = state;
    this.log.add({ kind: 'state', state });
    for (const listener of [...this.stateListeners]) safely(() => listener(state));
  }
}

/** One broken listener must not stop the others or the payment that reported the event. */
function safely(call: () => void): void {
  try {
    call();
  } catch (error) {
    console.error('payment listener failed', error);
  }
}
