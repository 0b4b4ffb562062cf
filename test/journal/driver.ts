/**
 * Child process for the journal kill tests: `node --import tsx test/journal/driver.ts <work> live|recover`.
 *
 * Every side effect — a journal append (fsynced), the startup compaction, a file from the printer, a change at HQ —
 * is a numbered step written to stdout as `step <n> <name>`. With KILL_AFTER_STEP=n the process SIGKILLs itself
 * right after step n.
 *
 * live:    HQ issues COPIES copies, the journal opens the job, the customer pays, the copies are printed; the
 *          copy with index JAM_COPY jams on its first try and staff "resume" finishes the job through recoverJob.
 * recover: what the agent does at startup: open the journal, compact, recover every open job
 *          (CAN_REPRINT=0: missing copies may not be printed, so they are refunded).
 * A `job.closed` append also prints `closed <jobId> <outcome>` (before its step, so a kill does not hide it).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  openJournal,
  printCopy,
  recoverJob,
  type Journal,
  type RecoveryPorts,
} from 'kiosk-agent/journal/index';
import { FakeHq, FakePrinter } from './fakes';

const [work, mode] = process.argv.slice(2);
if (!work || (mode !== 'live' && mode !== 'recover')) throw new Error('usage: driver.ts <work> live|recover');
const killAfter = Number(process.env.KILL_AFTER_STEP ?? 0);
const copies = Number(process.env.COPIES ?? 3);
const jamCopy = Number(process.env.JAM_COPY ?? -1);
const canReprint = process.env.CAN_REPRINT !== '0';

let steps = 0;
function step(name: string): void {
  steps++;
  process.stdout.write(`step ${steps} ${name}\n`);
  if (steps === killAfter) process.kill(process.pid, 'SIGKILL');
}

const hq = new FakeHq(work, step);
const printer = new FakePrinter(work, step);

/** Makes every journal append a step. */
function counted(journal: Journal): Journal {
  const append = journal.append.bind(journal);
  journal.append = async (record) => {
    const written = await append(record);
    if (record.type === 'job.closed') process.stdout.write(`closed ${record.jobId} ${record.outcome}\n`);
    step(`journal.${record.type}`);
    return written;
  };
  return journal;
}

let jammed = false;
const ports: RecoveryPorts = {
  reportCopy: async (issuanceId, serial, status) => hq.report(issuanceId, serial, status),
  prepareCopy: async (job, copyIndex, replaces) => {
    const serial = replaces
      ? hq.replacement(job.issuanceId, copyIndex, replaces)
      : hq.original(job.issuanceId, copyIndex);
    return { serial, pages: 1, print: async () => printer.print(serial, copyIndex, false) };
  },
  refund: async (job, amountYen) => hq.refund(job.jobId, amountYen),
};

async function live(journal: Journal): Promise<void> {
  const issuance = hq.issue(copies);
  const job = { jobId: randomUUID(), issuanceId: issuance.issuanceId };
  await journal.append({ type: 'job.opened', ...job, copies, feeYen: issuance.feeYen });
  await journal.append({ type: 'job.paid', jobId: job.jobId, amountYen: issuance.feeYen });
  for (let copyIndex = 0; copyIndex < copies; copyIndex++) {
    const serial = issuance.serials[copyIndex]!;
    const jam = copyIndex === jamCopy && !jammed;
    try {
      await printCopy(
        journal,
        job,
        copyIndex,
        { serial, pages: 1, print: async () => printer.print(serial, copyIndex, jam) },
        ports.reportCopy,
      );
    } catch (error) {
      if (!jam) throw error;
      jammed = true;
      // Staff cleared the jam and pressed "resume": the spoiled copy is voided and reprinted, the rest printed.
      await recoverJob(journal, job.jobId, ports);
      return;
    }
  }
  await journal.append({ type: 'job.closed', jobId: job.jobId, outcome: 'completed' });
}

async function recover(journal: Journal): Promise<void> {
  await journal.compact();
  step('journal.compact');
  for (const job of journal.openJobs()) await recoverJob(journal, job.jobId, ports, { canReprint });
}

const journal = counted(await openJournal(join(work, 'journal')));
if (journal.tornBytes > 0) process.stdout.write(`torn ${journal.tornBytes}\n`);
await (mode === 'live' ? live(journal) : recover(journal));
await journal.close();
process.stdout.write('done\n');
