import { join } from 'node:path';
import {
  AppendFile,
  encodeLine,
  JournalCorruptError,
  readJournalFile,
  removeStaleTemp,
  rewriteAtomically,
} from './file';
import { applyRefundRecord, keepRefundRecord, type OwedRefund, type RefundsById } from './owed-refunds';
import { isRefundRecord, JournalRecord, type JournalRecordInput } from './records';
import { applyRecord, type JobState, type Jobs } from './replay';

export const JOURNAL_FILE = 'print-jobs.journal';

export interface JournalOptions {
  /** Clock for the `at` stamp of appended records. */
  now?: () => Date;
}

/**
 * The print-job journal: an append-only file whose every line is on disk before `append` resolves. Appends are
 * serialised and checked against the replayed state first, so an impossible step (printing a copy that was already
 * printed, closing a job with a copy unaccounted for) throws instead of being written.
 */
export class Journal {
  private jobs: Jobs;
  private refunds: RefundsById;
  private records: JournalRecord[];
  private queue: Promise<unknown> = Promise.resolve();
  private broken: Error | null = null;

  private constructor(
    readonly path: string,
    private file: AppendFile,
    records: JournalRecord[],
    { jobs, refunds }: JournalState,
    /** Bytes of a torn last record cut off when the journal was opened (0 after a clean shutdown). */
    readonly tornBytes: number,
    private readonly now: () => Date,
  ) {
    this.records = records;
    this.jobs = jobs;
    this.refunds = refunds;
  }

  static async open(dir: string, options: JournalOptions = {}): Promise<Journal> {
    const path = join(dir, JOURNAL_FILE);
    await removeStaleTemp(path);
    const contents = await readJournalFile(path);
    const records = contents.values.map((value, i) => {
      const parsed = JournalRecord.safeParse(value);
      if (!parsed.success) throw new JournalCorruptError(`${path}: record ${i + 1} is not a journal record`);
      return parsed.data;
    });
    const state = replayAll(records); // before opening the file: a journal that breaks the rules is not appended to
    const file = await AppendFile.open(path, contents.validBytes);
    return new Journal(path, file, records, state, contents.tornBytes, options.now ?? (() => new Date()));
  }

  /** Validates the record (schema and job rules), writes it and fsyncs; resolves with the record as written. */
  append(input: JournalRecordInput): Promise<JournalRecord> {
    return this.serialise(async () => {
      const record = JournalRecord.parse({ ...input, at: input.at ?? this.now().toISOString() });
      const next = structuredClone(this.jobs);
      applyRecord(next, record);
      // Only a refund record changes the refunds: the others leave the map as it is, uncopied.
      const nextRefunds = isRefundRecord(record) ? structuredClone(this.refunds) : this.refunds;
      applyRefundRecord(nextRefunds, next, record, { appending: true });
      try {
        await this.file.append(encodeLine(record));
      } catch (error) {
        // The line may or may not be on disk: only a reopen (which replays the file) can tell.
        this.broken = new Error('journal write failed; reopen the journal', { cause: error });
        throw this.broken;
      }
      this.jobs = next;
      this.refunds = nextRefunds;
      this.records.push(record);
      return record;
    });
  }

  /** Jobs without `job.closed`, oldest first (copies: changing them does not change the journal). */
  openJobs(): JobState[] {
    return [...this.jobs.values()].filter((job) => !job.closed).map((job) => structuredClone(job));
  }

  job(jobId: string): JobState | undefined {
    const job = this.jobs.get(jobId);
    return job && structuredClone(job);
  }

  /** Refunds owed and not yet settled, oldest first (copies). */
  owedRefunds(): OwedRefund[] {
    return [...this.refunds.values()].filter((r) => !r.settled).map((r) => structuredClone(r));
  }

  /** An owed refund, settled or not (a settled one is gone after the next compaction). */
  owedRefund(refundId: string): OwedRefund | undefined {
    const refund = this.refunds.get(refundId);
    return refund && structuredClone(refund);
  }

  /** The refund owed for a job, if any (at most one per job). */
  owedRefundOfJob(jobId: string): OwedRefund | undefined {
    const refund = [...this.refunds.values()].find((r) => r.jobId === jobId);
    return refund && structuredClone(refund);
  }

  /**
   * Rewrites the journal without the records of closed jobs and of settled refunds (temp file, fsync,
   * rename, fsync of the folder); refunds still owed stay. Call at startup, before recovering open jobs.
   */
  compact(): Promise<{ droppedRecords: number; keptRecords: number }> {
    return this.serialise(async () => {
      const kept = this.records.filter((r) =>
        isRefundRecord(r) ? keepRefundRecord(this.refunds, r) : !this.jobs.get(r.jobId)?.closed,
      );
      await this.file.close();
      let failure: unknown = null;
      try {
        await rewriteAtomically(this.path, kept.map(encodeLine));
      } catch (error) {
        failure = error;
      }
      try {
        // Either the old or the new file is in place, whole: append to whichever it is.
        const contents = await readJournalFile(this.path);
        this.file = await AppendFile.open(this.path, contents.validBytes);
      } catch (error) {
        this.broken = new Error('journal could not be reopened after compaction', { cause: error });
        throw this.broken;
      }
      if (failure) throw failure;
      const droppedRecords = this.records.length - kept.length;
      this.records = kept;
      ({ jobs: this.jobs, refunds: this.refunds } = replayAll(kept));
      return { droppedRecords, keptRecords: kept.length };
    });
  }

  close(): Promise<void> {
    return this.serialise(() => this.file.close());
  }

  private serialise<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      if (this.broken) throw this.broken;
      return task();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}

interface JournalState {
  jobs: Jobs;
  refunds: RefundsById;
}

/** Replays jobs and owed refunds from the start of a journal (throws on a record against the rules). */
function replayAll(records: Iterable<JournalRecord>): JournalState {
  const state: JournalState = { jobs: new Map(), refunds: new Map() };
  for (const record of records) {
    applyRecord(state.jobs, record); // ignores refund records, so `jobs` is the state before them too
    applyRefundRecord(state.refunds, state.jobs, record, { appending: false });
  }
  return state;
}

/** Opens (creating if needed) the journal in `dir`, dropping a torn last record. */
export function openJournal(dir: string, options?: JournalOptions): Promise<Journal> {
  return Journal.open(dir, options);
}
