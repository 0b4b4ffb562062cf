import type { Pieces } from './change';
import type { Denomination, PaymentState } from './payment-device';

/**
 * Why an inserted piece was given straight back: the slots were closed, the device was out of order,
 * the due amount was already reached, or the float could not have given change for it.
 */
export type RejectReason = 'notAccepting' | 'unavailable' | 'paid' | 'noChange';

/** Why money left the machine: change after settling, a cancelled payment, a fault, a refunded fee. */
export type DispenseReason = 'change' | 'cancel' | 'unavailable' | 'refund';

export type LedgerEvent =
  | { kind: 'started'; dueYen: number }
  | { kind: 'inserted'; yen: Denomination; insertedYen: number }
  | { kind: 'rejected'; yen: Denomination; reason: RejectReason }
  | { kind: 'kept'; yen: number }
  | { kind: 'dispensed'; reason: DispenseReason; yen: number; pieces: Pieces[] }
  | { kind: 'state'; state: PaymentState };

/** One line of the ledger: numbered, timestamped (ISO 8601). */
export type LedgerEntry = LedgerEvent & { seq: number; at: string };
export type DispensedEntry = Extract<LedgerEntry, { kind: 'dispensed' }>;

/**
 * Everything the simulated acceptor did, oldest first. Bounded so that a demo kiosk left running for
 * weeks does not grow without end; `seq` keeps counting, so a gap shows that old lines were dropped.
 */
export class Ledger {
  private readonly entries: LedgerEntry[] = [];
  private seq = 0;

  constructor(
    private readonly now: () => Date,
    private readonly maxEntries = 5000,
  ) {}

  add(event: LedgerEvent): LedgerEntry {
    this.seq += 1;
    const entry = { ...event, seq: this.seq, at: this.now().toISOString() };
    this.entries.push(entry);
    if (this.entries.length > this.maxEntries) this.entries.splice(0, this.entries.length - this.maxEntries);
    return entry;
  }

  all(): LedgerEntry[] {
    return this.entries.map((e) => structuredClone(e));
  }

  /** The last `count` dispenses (change, returns, refunds), oldest first. */
  dispensed(count: number): DispensedEntry[] {
    const found: DispensedEntry[] = [];
    for (let i = this.entries.length - 1; i >= 0 && found.length < count; i -= 1) {
      const entry = this.entries[i];
      if (entry?.kind === 'dispensed') found.unshift(structuredClone(entry));
    }
    return found;
  }
}
