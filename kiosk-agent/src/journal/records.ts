import { z } from 'zod';

/**
 * The records of the print-job journal. Ids and progress only: every schema is strict, so a record carrying any
 * other field (a name, an address, a document) is refused before it reaches the disk.
 */

const jobId = z.uuid();
const serial = z.string().regex(/^[A-Z0-9-]{6,32}$/);
const copyIndex = z.number().int().min(0).max(9);
const yen = z.number().int().min(0).max(1_000_000);
const at = z.iso.datetime();
const refundId = z.uuid();
/** Which staff code was used, as the kiosk names it (staff/staff-code.ts): never the code itself. */
const staffCodeId = z.string().regex(/^[0-9a-f]{16}$/);

export const MAX_COPIES = 10;

export const JobOpened = z
  .strictObject({
    type: z.literal('job.opened'),
    at,
    jobId,
    issuanceId: z.uuid(),
    copies: z.number().int().min(1).max(MAX_COPIES),
    /** The whole fee for all copies, as HQ quoted it (per copy × copies). */
    feeYen: yen,
  })
  .refine((r) => r.feeYen % r.copies === 0, { message: 'feeYen must be a whole number of yen per copy' });

/** The fee was taken (the money is irrevocably in the kiosk). */
export const JobPaid = z.strictObject({ type: z.literal('job.paid'), at, jobId, amountYen: yen });

/** Written (and fsynced) before the printer is given the copy: a copy is never on paper without this line. */
export const CopyPrinting = z.strictObject({
  type: z.literal('copy.printing'),
  at,
  jobId,
  serial,
  copyIndex,
  pages: z.number().int().min(1).max(99).optional(),
});

/** The printer confirmed every page of the copy. */
export const CopyPrinted = z.strictObject({ type: z.literal('copy.printed'), at, jobId, serial });

/** The copy did not (or may not) come out whole: its serial will be voided at HQ and the copy reprinted. */
export const CopySpoiled = z.strictObject({ type: z.literal('copy.spoiled'), at, jobId, serial });

/** HQ acknowledged the copy's outcome (POST /v1/kiosk/issuances/:id/copies/:serial). */
export const CopyReported = z.strictObject({
  type: z.literal('copy.reported'),
  at,
  jobId,
  serial,
  status: z.enum(['printed', 'spoiled']),
});

/** The fee of copies that will never be printed was paid back. */
export const JobRefunded = z.strictObject({
  type: z.literal('job.refunded'),
  at,
  jobId,
  copyIndexes: z.array(copyIndex).min(1).max(MAX_COPIES),
  amountYen: yen,
});

export const JobOutcome = z.enum(['completed', 'voided', 'refunded']);
export type JobOutcome = z.infer<typeof JobOutcome>;

export const JobClosed = z.strictObject({ type: z.literal('job.closed'), at, jobId, outcome: JobOutcome });

/**
 * Money owed to a customer: a paid job was refunded when nobody could take coins (after a restart), so store
 * staff pay it from the register. Outlives its job in the journal until settled (owed-refunds.ts).
 */
export const RefundOwed = z.strictObject({
  type: z.literal('refund.owed'),
  at,
  refundId,
  jobId,
  amountYen: yen.min(1),
});

/** Store staff paid an owed refund from the register. */
export const RefundSettled = z.strictObject({
  type: z.literal('refund.settled'),
  at,
  refundId,
  staffCodeId,
});

export const JournalRecord = z.discriminatedUnion('type', [
  JobOpened,
  JobPaid,
  CopyPrinting,
  CopyPrinted,
  CopySpoiled,
  CopyReported,
  JobRefunded,
  JobClosed,
  RefundOwed,
  RefundSettled,
]);
export type JournalRecord = z.infer<typeof JournalRecord>;
export type RefundRecord = z.infer<typeof RefundOwed> | z.infer<typeof RefundSettled>;

/** Owed-refund records have rules of their own (owed-refunds.ts): they outlive their job. */
export function isRefundRecord(record: JournalRecord): record is RefundRecord {
  return record.type === 'refund.owed' || record.type === 'refund.settled';
}
export type RecordType = JournalRecord['type'];

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** What callers append: `at` is stamped by the journal unless given. */
export type JournalRecordInput = DistributiveOmit<JournalRecord, 'at'> & { at?: string };
