import type { Logger } from 'pino';
import type { HqClient } from '../hq/client';
import { OwedRefunds } from '../payment/owed-refunds';
import { openJournal, recoverJob, type Journal } from './index';

/**
 * Opens the job journal at agent start and settles what a crash left open. The customer of such a job is
 * gone, so nothing is reprinted (their certificate would wait in the tray for the next person): copies in
 * the printer are reported spoiled (HQ voids them), printed ones printed, and missing paid copies refunded.
 * Nor are coins dispensed (they too would go to the next person): the refund is owed, and store staff pay
 * it from the register when the customer comes to the counter (staff mode).
 */
export async function openJournalAndRecover(
  dir: string,
  hq: Pick<HqClient, 'reportCopy'>,
  logger: Logger,
): Promise<{ journal: Journal; owedRefunds: OwedRefunds }> {
  const journal = await openJournal(dir);
  const owedRefunds = new OwedRefunds(journal, logger);
  injectCrashForTests(journal);
  await journal.compact();
  for (const job of journal.openJobs()) {
    try {
      await recoverJob(
        journal,
        job.jobId,
        {
          reportCopy: async (issuanceId, serial, status) => {
            await hq.reportCopy(issuanceId, serial, { status });
          },
          prepareCopy: () => Promise.reject(new Error('no reprint after a restart')),
          // Idempotent per job: a crash before `job.refunded` owes the customer once, not twice.
          refund: async (recovered, amountYen) => void (await owedRefunds.owe(recovered.jobId, amountYen)),
        },
        { canReprint: false },
      );
      logger.info({ event: 'job.recovered', jobId: job.jobId }, 'open print job settled after a restart');
    } catch (error) {
      // HQ unreachable: the job stays open in the journal and is settled at the next start.
      logger.error({ event: 'job.recovery.failed', jobId: job.jobId, err: (error as Error).message });
    }
  }
  return { journal, owedRefunds };
}

/**
 * Fault injection for the crash tests (test/journal/agent-kill.test.ts): with
 * KIOSK_TEST_KILL_AFTER_JOURNAL_APPEND=n the agent SIGKILLs itself right after its n-th journal record is
 * on disk, so a test can crash the real agent at every step of a job.
 */
function injectCrashForTests(journal: Journal): void {
  const killAfter = Number(process.env.KIOSK_TEST_KILL_AFTER_JOURNAL_APPEND ?? 0);
  if (!(killAfter > 0)) return;
  const append = journal.append.bind(journal);
  let count = 0;
  journal.append = async (record) => {
    const written = await append(record);
    if (++count === killAfter) process.kill(process.pid, 'SIGKILL');
    return written;
  };
}
