import type { Journal } from './journal';
import { planRecovery, type RecoveryAction, type RecoveryOptions } from './recovery';
import type { JobState } from './replay';

/** A copy's document, fetched from HQ and rendered, ready for the printer. */
export interface PreparedCopy {
  serial: string;
  pages?: number;
  /** Prints every page; resolves only when the printer confirmed them all. */
  print(): Promise<void>;
  /** Wipes the rendered pages (personal data); called whether printing worked or not. */
  discard?(): void;
}

/** The devices and HQ calls recovery needs; each is safe to repeat after a crash (HQ calls are idempotent). */
export interface RecoveryPorts {
  reportCopy(issuanceId: string, serial: string, status: 'printed' | 'spoiled'): Promise<void>;
  /** The document for a copy: its original serial if `replaces` is null, else a new serial (HQ voided `replaces`). */
  prepareCopy(job: JobState, copyIndex: number, replaces: string | null): Promise<PreparedCopy>;
  /** Pays back `amountYen`; idempotent per job (e.g. an HQ refund keyed by jobId). */
  refund(job: JobState, amountYen: number, copyIndexes: number[]): Promise<void>;
}

/**
 * Prints one copy under the journal's write-ahead rule: `copy.printing` is on disk before the printer sees the
 * copy, `copy.printed` once it confirmed the pages. A print that throws leaves the copy spoiled.
 */
export async function printCopy(
  journal: Journal,
  job: Pick<JobState, 'jobId' | 'issuanceId'>,
  copyIndex: number,
  copy: PreparedCopy,
  reportCopy: RecoveryPorts['reportCopy'],
): Promise<void> {
  try {
    await journal.append({
      type: 'copy.printing',
      jobId: job.jobId,
      serial: copy.serial,
      copyIndex,
      ...(copy.pages === undefined ? {} : { pages: copy.pages }),
    });
    try {
      await copy.print();
    } catch (error) {
      await journal.append({ type: 'copy.spoiled', jobId: job.jobId, serial: copy.serial });
      throw error;
    }
  } finally {
    copy.discard?.();
  }
  await journal.append({ type: 'copy.printed', jobId: job.jobId, serial: copy.serial });
  await reportCopy(job.issuanceId, copy.serial, 'printed');
  await journal.append({ type: 'copy.reported', jobId: job.jobId, serial: copy.serial, status: 'printed' });
}

async function run(
  journal: Journal,
  job: JobState,
  action: RecoveryAction,
  ports: RecoveryPorts,
): Promise<void> {
  const { jobId } = job;
  switch (action.type) {
    case 'mark-spoiled':
      await journal.append({ type: 'copy.spoiled', jobId, serial: action.serial });
      return;
    case 'report':
      await ports.reportCopy(job.issuanceId, action.serial, action.status);
      await journal.append({ type: 'copy.reported', jobId, serial: action.serial, status: action.status });
      return;
    case 'print': {
      const copy = await ports.prepareCopy(job, action.copyIndex, action.replaces);
      await printCopy(journal, job, action.copyIndex, copy, ports.reportCopy);
      return;
    }
    case 'refund':
      await ports.refund(job, action.amountYen, action.copyIndexes);
      await journal.append({
        type: 'job.refunded',
        jobId,
        copyIndexes: action.copyIndexes,
        amountYen: action.amountYen,
      });
      return;
    case 'close':
      await journal.append({ type: 'job.closed', jobId, outcome: action.outcome });
  }
}

/**
 * Finishes an open job: plans, carries out the first action, replans from the journal, until the job is closed.
 * Throws on the first failing action (the job stays open; run again later, possibly with `canReprint: false`).
 */
export async function recoverJob(
  journal: Journal,
  jobId: string,
  ports: RecoveryPorts,
  options: RecoveryOptions = { canReprint: true },
): Promise<JobState> {
  for (let step = 0; step < 200; step++) {
    const job = journal.job(jobId);
    if (!job) throw new Error(`no job ${jobId} in the journal`);
    const next = planRecovery(job, options)[0];
    if (!next) return job;
    await run(journal, job, next, ports);
  }
  throw new Error(`recovery of job ${jobId} did not finish`);
}
