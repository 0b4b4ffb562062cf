import { isRefundRecord, type JournalRecord, type RefundRecord } from './records';
import { JournalRuleError, type Jobs } from './replay';

/**
 * Refunds owed to customers, replayed from `refund.owed` and `refund.settled`. They are kept apart from the
 * jobs because they outlive them: the job closes as `refunded` at once, while the money waits for the
 * customer at the counter. Compaction keeps an owed refund until it is settled, and drops the job's own
 * records as usual, so on replay a refund's job may be gone.
 */

export interface OwedRefund {
  refundId: string;
  jobId: string;
  amountYen: number;
  /** When it became owed (the `refund.owed` record's time). */
  owedAt: string;
  settled: { at: string; staffCodeId: string } | null;
}

export type RefundsById = Map<string, OwedRefund>;

/**
 * Applies a refund record to `refunds` in place, or throws JournalRuleError (leaving it untouched); other
 * records are ignored. `jobs` is the state before the record. When `appending`, the refund's job must be in
 * the journal, open and paid; on replay it may have been compacted away (it was closed).
 */
export function applyRefundRecord(
  refunds: RefundsById,
  jobs: Jobs,
  record: JournalRecord,
  options: { appending: boolean },
): void {
  if (!isRefundRecord(record)) return;
  const fail = (why: string): never => {
    throw new JournalRuleError(`${record.type} ${record.refundId}: ${why}`);
  };
  if (record.type === 'refund.owed') {
    if (refunds.has(record.refundId)) fail('refund already exists');
    // One per job: a crash between owing and `job.refunded` must not owe the customer twice.
    for (const other of refunds.values()) if (other.jobId === record.jobId) fail('job already owed');
    const job = jobs.get(record.jobId);
    if (!job && options.appending) fail(`unknown job ${record.jobId}`);
    if (job) {
      if (job.closed) fail('job is closed');
      if (record.amountYen > job.paidYen) fail(`owes ${record.amountYen}, paid ${job.paidYen}`);
    }
    refunds.set(record.refundId, {
      refundId: record.refundId,
      jobId: record.jobId,
      amountYen: record.amountYen,
      owedAt: record.at,
      settled: null,
    });
    return;
  }
  const refund = refunds.get(record.refundId) ?? fail('unknown refund');
  if (refund.settled) fail('already settled');
  refund.settled = { at: record.at, staffCodeId: record.staffCodeId };
}

/** Whether compaction keeps a record of this kind: owed refunds until settled, nothing of a settled one. */
export function keepRefundRecord(refunds: RefundsById, record: RefundRecord): boolean {
  return refunds.get(record.refundId)?.settled === null;
}
