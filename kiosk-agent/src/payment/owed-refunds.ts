import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { KioskError } from '../errors';
import { JournalRuleError, type Journal, type OwedRefund } from '../journal/index';
import type { KioskDeviceStatus } from '../hq/status-uplink';
import type { OwedRefundsSummary } from '../protocol/state';

/**
 * Money the kiosk owes customers and cannot dispense: a paid job refunded after a restart, when the
 * customer has most likely gone and coins in the tray would go to the next person. Store staff pay it from
 * the register when the customer comes to the counter, and confirm it here; the operator reimburses the
 * store. Kept in the print-job journal (ids, yen and times only).
 */
export class OwedRefunds {
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly journal: Journal,
    private readonly logger: Logger,
    private readonly newId: () => string = randomUUID,
  ) {}

  /** Unsettled refunds, oldest first. */
  list(): OwedRefund[] {
    return this.journal.owedRefunds();
  }

  summary(): OwedRefundsSummary {
    return summarise(this.list());
  }

  /** For HQ's status report: the summary and when the longest-waiting refund became owed. */
  report(): KioskDeviceStatus['owedRefunds'] {
    const owed = this.list();
    return { ...summarise(owed), oldestAt: owed[0]?.owedAt ?? null };
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Records that `amountYen` of a job is owed. Idempotent per job: recovery calls it again when the agent
   * died after owing but before journaling `job.refunded`, and the customer is owed once.
   */
  async owe(jobId: string, amountYen: number): Promise<OwedRefund> {
    const existing = this.journal.owedRefundOfJob(jobId);
    if (existing) return existing;
    const refundId = this.newId();
    await this.journal.append({ type: 'refund.owed', refundId, jobId, amountYen });
    this.logger.warn({ event: 'refund.owed', refundId, jobId, amountYen }, 'refund owed: pay at the counter');
    this.changed();
    return this.journal.owedRefund(refundId)!;
  }

  /** Staff paid the refund from the register. Unknown or already settled: a KioskError, nothing written. */
  async settle(refundId: string, staffCodeId: string): Promise<void> {
    const check = (): OwedRefund => {
      const refund = this.journal.owedRefund(refundId);
      if (!refund) throw new KioskError('REFUND_NOT_FOUND');
      if (refund.settled) throw new KioskError('REFUND_ALREADY_SETTLED');
      return refund;
    };
    const refund = check();
    try {
      await this.journal.append({ type: 'refund.settled', refundId, staffCodeId });
    } catch (error) {
      // Settled by a concurrent tap between the check and the append: the journal's rule refused it.
      if (error instanceof JournalRuleError) check();
      throw error;
    }
    this.logger.info(
      { event: 'refund.settled', refundId, jobId: refund.jobId, amountYen: refund.amountYen, staffCodeId },
      'owed refund paid from the register',
    );
    this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

function summarise(owed: readonly OwedRefund[]): OwedRefundsSummary {
  return { count: owed.length, totalYen: owed.reduce((sum, r) => sum + r.amountYen, 0) };
}
