import { isRefundRecord, type JobOutcome, type JournalRecord } from './records';

/**
 * Replays journal records into job states. The same `applyRecord` guards every append, so the rules below hold for
 * every journal on disk: a copy confirmed printed can never be started again, a serial is put on paper at most once,
 * and a job closes only when its copies are accounted for.
 */

export type AttemptState = 'printing' | 'printed' | 'spoiled';

/** One try at putting one copy on paper, under one serial. */
export interface CopyAttempt {
  serial: string;
  copyIndex: number;
  pages?: number;
  /** `printing`: handed to the printer, no confirmation yet (after a crash the paper may be half out). */
  state: AttemptState;
  /** What HQ acknowledged for this serial, if anything. */
  reported: 'printed' | 'spoiled' | null;
}

export interface JobState {
  jobId: string;
  issuanceId: string;
  copies: number;
  feeYen: number;
  paidYen: number;
  openedAt: string;
  /** Every attempt in the order started; a copy index may have several (spoiled ones, then the good one). */
  attempts: CopyAttempt[];
  refund: { copyIndexes: number[]; amountYen: number } | null;
  closed: JobOutcome | null;
}

export class JournalRuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JournalRuleError';
  }
}

export const feePerCopyYen = (job: JobState): number => job.feeYen / job.copies;

/** The fee is covered: printing may start. */
export const isPrintable = (job: JobState): boolean => job.feeYen === 0 || job.paidYen >= job.feeYen;

export const printedAttempt = (job: JobState, copyIndex: number): CopyAttempt | undefined =>
  job.attempts.find((a) => a.copyIndex === copyIndex && a.state === 'printed');

export const isRefunded = (job: JobState, copyIndex: number): boolean =>
  job.refund?.copyIndexes.includes(copyIndex) ?? false;

export type Jobs = Map<string, JobState>;

/** Applies one record to `jobs` in place, or throws JournalRuleError (leaving `jobs` untouched). */
export function applyRecord(jobs: Jobs, record: JournalRecord): void {
  // Owed refunds outlive their job: their rules are in owed-refunds.ts.
  if (isRefundRecord(record)) return;
  const fail = (why: string): never => {
    throw new JournalRuleError(`${record.type} ${record.jobId}: ${why}`);
  };
  if (record.type === 'job.opened') {
    if (jobs.has(record.jobId)) fail('job already exists');
    jobs.set(record.jobId, {
      jobId: record.jobId,
      issuanceId: record.issuanceId,
      copies: record.copies,
      feeYen: record.feeYen,
      paidYen: 0,
      openedAt: record.at,
      attempts: [],
      refund: null,
      closed: null,
    });
    return;
  }
  const job = jobs.get(record.jobId) ?? fail('unknown job');
  if (job.closed) fail('job is closed');
  const attempt = (serial: string): CopyAttempt =>
    job.attempts.find((a) => a.serial === serial) ?? fail(`unknown serial ${serial}`);

  switch (record.type) {
    case 'job.paid':
      if (job.paidYen > 0) fail('already paid');
      if (record.amountYen !== job.feeYen) fail(`paid ${record.amountYen}, fee is ${job.feeYen}`);
      job.paidYen = record.amountYen;
      return;
    case 'copy.printing': {
      if (record.copyIndex >= job.copies) fail(`copy ${record.copyIndex} of ${job.copies}`);
      if (!isPrintable(job)) fail('not paid');
      if (job.refund) fail('job was refunded');
      if (printedAttempt(job, record.copyIndex)) fail(`copy ${record.copyIndex} already printed`);
      if (job.attempts.some((a) => a.state === 'printing')) fail('another copy is still printing');
      for (const other of jobs.values()) {
        if (other.attempts.some((a) => a.serial === record.serial))
          fail(`serial ${record.serial} already used`);
      }
      const started: CopyAttempt = {
        serial: record.serial,
        copyIndex: record.copyIndex,
        state: 'printing',
        reported: null,
      };
      if (record.pages !== undefined) started.pages = record.pages;
      job.attempts.push(started);
      return;
    }
    case 'copy.printed':
    case 'copy.spoiled': {
      const a = attempt(record.serial);
      if (a.state !== 'printing') fail(`serial ${record.serial} is ${a.state}, not printing`);
      a.state = record.type === 'copy.printed' ? 'printed' : 'spoiled';
      return;
    }
    case 'copy.reported': {
      const a = attempt(record.serial);
      if (a.reported) fail(`serial ${record.serial} already reported ${a.reported}`);
      if (a.state !== record.status) fail(`serial ${record.serial} is ${a.state}, reported ${record.status}`);
      a.reported = record.status;
      return;
    }
    case 'job.refunded': {
      if (job.refund) fail('already refunded');
      if (job.paidYen === 0) fail('nothing was paid');
      if (job.attempts.some((a) => a.state === 'printing')) fail('a copy is still printing');
      const indexes = [...new Set(record.copyIndexes)];
      if (indexes.length !== record.copyIndexes.length) fail('duplicate copy index');
      for (const i of indexes) {
        if (i >= job.copies) fail(`copy ${i} of ${job.copies}`);
        if (printedAttempt(job, i)) fail(`copy ${i} was printed`);
      }
      if (record.amountYen !== indexes.length * feePerCopyYen(job))
        fail(`refund ${record.amountYen} is wrong`);
      job.refund = { copyIndexes: indexes.sort((x, y) => x - y), amountYen: record.amountYen };
      return;
    }
    case 'job.closed':
      checkClosable(job, record.outcome, fail);
      job.closed = record.outcome;
      return;
  }
}

function checkClosable(job: JobState, outcome: JobOutcome, fail: (why: string) => never): void {
  for (const a of job.attempts) {
    if (a.state === 'printing') fail(`serial ${a.serial} is still printing`);
    if (!a.reported) fail(`serial ${a.serial} not reported to HQ`);
  }
  const undelivered = Array.from({ length: job.copies }, (_, i) => i).filter((i) => !printedAttempt(job, i));
  switch (outcome) {
    case 'completed':
      if (undelivered.length > 0) fail(`copies ${undelivered.join(',')} not printed`);
      return;
    case 'voided':
      if (job.paidYen > 0) fail('paid: refund instead of voiding');
      return;
    case 'refunded':
      if (!job.refund) fail('no refund recorded');
      if (undelivered.some((i) => !isRefunded(job, i))) fail('a copy was neither printed nor refunded');
  }
}

/** Replays records from the start of a journal. */
export function replay(records: Iterable<JournalRecord>): Jobs {
  const jobs: Jobs = new Map();
  for (const record of records) applyRecord(jobs, record);
  return jobs;
}
