import type { JobOutcome } from './records';
import { feePerCopyYen, isPrintable, isRefunded, printedAttempt, type JobState } from './replay';

/**
 * What to do with a job found open after a restart. Pure: the same state always gives the same plan, and a plan
 * carried out partly (another crash) leads, once replayed, to a state whose plan finishes the job.
 */
export type RecoveryAction =
  /** Handed to the printer but never confirmed: the paper may be half out. Record it spoiled (journal only). */
  | { type: 'mark-spoiled'; serial: string; copyIndex: number }
  /** Tell HQ (idempotent), then journal `copy.reported`. A spoiled serial is voided at HQ. */
  | { type: 'report'; serial: string; copyIndex: number; status: 'printed' | 'spoiled' }
  /**
   * Put the copy on paper: get its document from HQ — under a new serial when `replaces` is set — journal
   * `copy.printing`, print, journal `copy.printed`, report printed.
   */
  | { type: 'print'; copyIndex: number; replaces: string | null }
  /** Pay back the fee of copies that will not be printed (idempotent per job at HQ), journal `job.refunded`. */
  | { type: 'refund'; copyIndexes: number[]; amountYen: number }
  | { type: 'close'; outcome: JobOutcome };

export interface RecoveryOptions {
  /**
   * Whether missing copies may be printed now: the printer works, HQ can supply the documents, and the customer is
   * still there to take them. When false, paid copies are refunded instead.
   */
  canReprint: boolean;
}

export function planRecovery(
  job: JobState,
  options: RecoveryOptions = { canReprint: true },
): RecoveryAction[] {
  if (job.closed) return [];
  const marks: RecoveryAction[] = [];
  const reports: RecoveryAction[] = [];

  // 1. Settle every serial that went to the printer: ambiguous ones are spoiled, and HQ hears about each.
  for (const a of job.attempts) {
    const { serial, copyIndex } = a;
    if (a.state === 'printing') marks.push({ type: 'mark-spoiled', serial, copyIndex });
    const status = a.state === 'printed' ? 'printed' : 'spoiled';
    if (!a.reported) reports.push({ type: 'report', serial, copyIndex, status });
  }

  // 2. Copies with no confirmed print: print them if allowed, otherwise they are owed money (if any was paid).
  const missing: number[] = [];
  for (let i = 0; i < job.copies; i++) {
    if (!printedAttempt(job, i) && !isRefunded(job, i)) missing.push(i);
  }
  const printing = options.canReprint && isPrintable(job) && !job.refund;
  const actions: RecoveryAction[] = [...marks];
  if (printing) {
    actions.push(...reports);
    for (const copyIndex of missing) {
      const lastTry = job.attempts.filter((a) => a.copyIndex === copyIndex).at(-1);
      actions.push({ type: 'print', copyIndex, replaces: lastTry?.serial ?? null });
    }
  } else {
    // The refund before the reports: it needs only the journal, so the money is owed (and staff can pay it)
    // even while HQ is unreachable and the reports wait for the next start.
    if (missing.length > 0 && job.paidYen > 0) {
      actions.push({ type: 'refund', copyIndexes: missing, amountYen: missing.length * feePerCopyYen(job) });
    }
    actions.push(...reports);
  }

  // 3. Close: completed when every copy is on paper, else refunded if money was taken, else voided.
  const short = (printing ? 0 : missing.length) + (job.refund?.copyIndexes.length ?? 0);
  const outcome: JobOutcome = short === 0 ? 'completed' : job.paidYen > 0 ? 'refunded' : 'voided';
  actions.push({ type: 'close', outcome });
  return actions;
}
