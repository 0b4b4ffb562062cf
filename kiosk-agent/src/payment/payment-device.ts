/**
 * The coin and bill acceptor, as the issuance flow sees it. Knows nothing of flows or HQ. Money is kept only
 * for printed copies: the flow settles the fee when the customer has paid enough (change goes back at once)
 * and refunds the fee of any copy that could not be printed.
 */

/** Japanese coins and bills the acceptor takes. */
export const DENOMINATIONS = [10, 50, 100, 500, 1000, 2000, 5000, 10000] as const;
export type Denomination = (typeof DENOMINATIONS)[number];

export type PaymentState = 'ready' | 'accepting' | 'unavailable';

export interface PaymentEvent {
  type: 'inserted';
  denominationYen: Denomination;
  /** Everything inserted since startAccepting. */
  insertedYen: number;
}

export interface PaymentDevice {
  readonly state: PaymentState;
  /** Opens the slots for up to a due amount. Throws KioskError('PAYMENT_FAILED') when the device is unavailable. */
  startAccepting(dueYen: number): Promise<void>;
  /** Money inserted while accepting. Returns an unsubscribe function. */
  onInserted(listener: (event: PaymentEvent) => void): () => void;
  onState(listener: (state: PaymentState) => void): () => void;
  /** Closes the slots, keeps `keepYen` (≤ inserted) and pays the rest back as change. */
  settle(keepYen: number): Promise<{ keptYen: number; changeYen: number }>;
  /** Closes the slots and returns everything inserted since startAccepting (the customer cancelled). */
  cancel(): Promise<{ refundedYen: number }>;
  /** Pays back money already kept: the fee of copies that could not be printed. */
  refund(amountYen: number): Promise<void>;
}
