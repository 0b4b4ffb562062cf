/** Crash-safe print-job journal: ids and progress only, never personal data. */
export { openJournal, Journal, JOURNAL_FILE, type JournalOptions } from './journal';
export { JournalCorruptError } from './file';
export {
  JournalRuleError,
  type AttemptState,
  type CopyAttempt,
  type JobState,
  feePerCopyYen,
  printedAttempt,
} from './replay';
export { planRecovery, type RecoveryAction, type RecoveryOptions } from './recovery';
export { printCopy, recoverJob, type PreparedCopy, type RecoveryPorts } from './execute';
export type { OwedRefund } from './owed-refunds';
export { JournalRecord, type JournalRecordInput, type JobOutcome, type RecordType } from './records';
