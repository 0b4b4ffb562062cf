import type { Logger } from 'pino';
import { KioskError } from '../errors';
import type { PaymentDevice } from '../payment/payment-device';

export interface AcceptHandlers {
  /** Money inserted so far. */
  progress(insertedYen: number): void;
  /** At least the due amount is in: the slots are still open until settle(). */
  paid(): void;
  /** The acceptor failed while accepting; it gave the money back itself. */
  failed(): void;
}

/**
 * The issuance flow's view of the coin and bill acceptor for one transaction: open the slots, notice when
 * enough is in, keep the fee and give change, pay back copies that could not be printed, and return
 * everything when the transaction ends before payment was complete. Logs amounts only.
 */
export class CashDrawer {
  private accepting = false;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly device: PaymentDevice,
    private readonly logger: Logger,
  ) {}

  async accept(dueYen: number, on: AcceptHandlers): Promise<void> {
    if (this.accepting) throw new KioskError('INVALID_STATE', 'already accepting');
    await this.device.startAccepting(dueYen);
    this.accepting = true;
    this.logger.info({ event: 'payment.accepting', dueYen }, 'accepting money');
    const offInserted = this.device.onInserted((event) => {
      on.progress(event.insertedYen);
      if (event.insertedYen >= dueYen) {
        this.stopListening();
        on.paid();
      }
    });
    const offState = this.device.onState((state) => {
      if (state !== 'unavailable' || !this.accepting) return;
      this.accepting = false;
      this.stopListening();
      this.logger.warn({ event: 'payment.failed' }, 'acceptor failed while accepting');
      on.failed();
    });
    this.unsubscribe = () => {
      offInserted();
      offState();
    };
  }

  /** Keeps the fee and pays out the change. */
  async settle(keepYen: number): Promise<{ changeYen: number }> {
    if (!this.accepting) return { changeYen: 0 }; // nothing was due
    this.accepting = false;
    this.stopListening();
    const { keptYen, changeYen } = await this.device.settle(keepYen);
    this.logger.info({ event: 'payment.settled', keptYen, changeYen }, 'fee kept, change given');
    return { changeYen };
  }

  /** Gives back the fee of copies that will not be printed. */
  async refund(amountYen: number): Promise<void> {
    if (amountYen <= 0) return;
    await this.device.refund(amountYen);
    this.logger.info({ event: 'payment.refunded', amountYen }, 'fee refunded');
  }

  /** The transaction ended before the fee was kept: everything inserted goes back. */
  async returnInserted(): Promise<void> {
    if (!this.accepting) return;
    this.accepting = false;
    this.stopListening();
    const { refundedYen } = await this.device.cancel();
    this.logger.info({ event: 'payment.cancelled', refundedYen }, 'money returned');
  }

  private stopListening(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}
