import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, truncate } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJournalFile } from 'kiosk-agent/journal/file';
import { openJournal, JournalRecord, type JobState } from 'kiosk-agent/journal/index';
import { JOURNAL_FILE } from 'kiosk-agent/journal/journal';
import { replay } from 'kiosk-agent/journal/replay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeHq, FEE_PER_COPY } from './fakes';

/**
 * The agent is SIGKILLed right after every step of a three-copy print job with a jam (journal append, printer
 * output, HQ call), then restarted to recover — able to reprint, or not (refund). Where the kill fell between a
 * device or HQ call and its journal record (one of each kind), the recovery is itself killed over and over, at
 * later and later steps.
 * And the last journal line is torn mid-way. After each, what came out of the printer and what HQ knows must agree
 * with the order: no serial printed twice, no copy valid twice, every sheet known to HQ, every paid copy printed or
 * refunded, nothing printed unpaid, every job closed.
 */

const ROOT = join(import.meta.dirname, '..', '..');
const DRIVER = join(import.meta.dirname, 'driver.ts');
const COPIES = 3;
const BASE_ENV = { COPIES: String(COPIES), JAM_COPY: '1' };

interface Run {
  killed: boolean;
  steps: string[];
  /** jobId → outcome of every `job.closed` this run appended. */
  closed: Map<string, string>;
  torn: boolean;
}

function drive(work: string, mode: 'live' | 'recover', env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', DRIVER, work, mode],
      { cwd: ROOT, env: { ...process.env, ...BASE_ENV, ...env } },
      (error, stdout, stderr) => {
        const killed = error?.signal === 'SIGKILL';
        if (error && !killed)
          return reject(new Error(`${mode} in ${work} failed: ${stderr || error.message}`));
        const lines = stdout.split('\n');
        if (!killed && !lines.includes('done')) return reject(new Error(`${mode} did not finish: ${stdout}`));
        resolve({
          killed,
          steps: lines.filter((l) => l.startsWith('step ')).map((l) => l.split(' ')[2]!),
          closed: new Map(
            lines
              .filter((l) => l.startsWith('closed '))
              .map((l) => l.split(' ').slice(1) as [string, string]),
          ),
          torn: lines.some((l) => l.startsWith('torn ')),
        });
      },
    );
  });
}

/** Runs `tasks` with a few child processes at a time. */
async function pool<T>(tasks: (() => Promise<T>)[], size = 2 * availableParallelism()): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: size }, worker));
  return results;
}

/**
 * The job as the journal holds it before recovery, read without touching the file (undefined: the crash came
 * before `job.opened`).
 */
async function journaledJob(work: string): Promise<JobState | undefined> {
  const { values } = await readJournalFile(join(work, 'journal', JOURNAL_FILE));
  const [job, ...others] = replay(values.map((v) => JournalRecord.parse(v))).values();
  expect(others).toEqual([]);
  return job;
}

/** Everything that must hold once recovery has run, whatever the crash. */
async function checkFinished(
  work: string,
  before: JobState | undefined,
  closedByRecovery: Map<string, string>,
  canReprint: boolean,
  label: string,
): Promise<void> {
  const hq = FakeHq.read(work);
  const out = await readdir(join(work, 'out')).catch(() => [] as string[]);

  // Never a double print: no serial went to the printer twice, no copy index has two valid copies.
  expect(
    out.filter((f) => f.startsWith('DOUBLE-')),
    label,
  ).toEqual([]);
  const validByCopy = new Map<number, string[]>();
  for (const [serial, copy] of Object.entries(hq.copies)) {
    if (copy.status !== 'printed') continue;
    validByCopy.set(copy.copyIndex, [...(validByCopy.get(copy.copyIndex) ?? []), serial]);
  }
  for (const serials of validByCopy.values()) expect(serials, label).toHaveLength(1);

  // Every sheet that came out is known to HQ: valid ones are whole, half-printed ones are void.
  for (const file of out) {
    const serial = file.replace(/\.txt$/, '');
    const text = await readFile(join(work, 'out', file), 'utf8');
    const status = hq.copies[serial]?.status;
    expect(['printed', 'spoiled'], `${label}: ${serial} on paper`).toContain(status);
    if (text.includes('JAMMED')) expect(status, label).toBe('spoiled');
  }
  for (const [serial, copy] of Object.entries(hq.copies)) {
    if (copy.status === 'printed') expect(out, `${label}: ${serial} printed`).toContain(`${serial}.txt`);
  }

  // No paid copy lost: valid copies plus refunded copies make the order; nothing valid without payment.
  const valid = validByCopy.size;
  const paid = (before?.paidYen ?? 0) > 0;
  const refunded = before ? (hq.refunds[before.jobId] ?? 0) / FEE_PER_COPY : 0;
  if (paid) {
    expect(valid + refunded, label).toBe(COPIES);
    if (canReprint) expect(refunded, label).toBe(0);
  } else {
    expect([valid, refunded], label).toEqual([0, 0]);
  }
  if (before) {
    const expected = !paid ? 'voided' : refunded > 0 ? 'refunded' : 'completed';
    expect(before.closed ?? closedByRecovery.get(before.jobId), label).toBe(expected);
    if (before.closed) expect(closedByRecovery.size, label).toBe(0);
  }

  // The journal ends with every job closed.
  const journal = await openJournal(join(work, 'journal'));
  expect(journal.openJobs(), label).toEqual([]);
  await journal.close();
}

/** Cuts the last journal line in the middle, as a crash during its write could. */
async function tearLastLine(work: string): Promise<void> {
  const file = join(work, 'journal', JOURNAL_FILE);
  const text = await readFile(file);
  const start = text.lastIndexOf(0x0a, text.length - 2) + 1;
  await truncate(file, start + Math.floor((text.length - start) / 2));
}

describe('print-job journal under SIGKILL', () => {
  let base: string;
  let steps: string[];
  const snapshots: string[] = []; // snapshots[n]: the work folder after a kill right after step n

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'kiosk-journal-kill-'));
    const clean = await drive(join(base, 'clean'), 'live');
    steps = clean.steps;
    expect(clean.killed).toBe(false);
    expect(steps.length).toBeGreaterThan(20); // checked in detail below; the other tests rely on it
    await pool(
      steps.map((_, i) => async () => {
        const work = join(base, `kill-${i + 1}`);
        const run = await drive(work, 'live', { KILL_AFTER_STEP: String(i + 1) });
        expect(run.killed).toBe(true);
        expect(run.steps).toEqual(steps.slice(0, i + 1));
        snapshots[i + 1] = work;
      }),
    );
  });

  afterAll(async () => {
    if (base) await rm(base, { recursive: true, force: true });
  });

  const copyOf = async (n: number, variant: string) => {
    const work = `${snapshots[n]}-${variant}`;
    await cp(snapshots[n]!, work, { recursive: true });
    return work;
  };
  const kills = () => steps.map((_, i) => i + 1);

  it('the uninterrupted job has a step for every journal append, print and HQ call', async () => {
    expect(steps).toHaveLength(25);
    expect(steps.filter((s) => s.startsWith('journal.'))).toHaveLength(15);
    expect(steps).toContain('printer.jam');
    const work = join(base, 'clean');
    const before = await journaledJob(work);
    expect(before?.closed).toBe('completed');
    await checkFinished(work, before, (await drive(work, 'recover')).closed, true, 'clean');
    expect(FakeHq.read(work).copies).toSatisfy((c: object) => Object.keys(c).length === COPIES + 1);
  });

  it('killed after every step, then restarted: resumes and finishes the job', async () => {
    await pool(
      kills().map((n) => async () => {
        const work = await copyOf(n, 'resume');
        const before = await journaledJob(work);
        const run = await drive(work, 'recover');
        await checkFinished(work, before, run.closed, true, `kill after ${n} ${steps[n - 1]}`);
      }),
    );
  });

  it('killed after every step, then restarted unable to print: refunds the missing paid copies', async () => {
    await pool(
      kills().map((n) => async () => {
        const work = await copyOf(n, 'refund');
        const before = await journaledJob(work);
        const run = await drive(work, 'recover', { CAN_REPRINT: '0' });
        await checkFinished(work, before, run.closed, false, `kill after ${n} ${steps[n - 1]}, no reprint`);
      }),
    );
  });

  it('killed between a device or HQ call and its journal record, then the recovery killed again and again', async () => {
    // One of each kind (the first), to keep the run short: issue, printed, report printed, jam, report spoiled,
    // replacement.
    const windows = kills().filter(
      (n) => !steps[n - 1]!.startsWith('journal.') && steps.indexOf(steps[n - 1]!) === n - 1,
    );
    expect(windows.map((n) => steps[n - 1])).toEqual([
      'hq.issue',
      'printer.printed',
      'hq.report.printed',
      'printer.jam',
      'hq.report.spoiled',
      'hq.replacement',
    ]);
    await pool(
      windows.map((n) => async () => {
        const work = await copyOf(n, 'chain');
        const before = await journaledJob(work);
        // Restart r is killed right after its r-th step (the first right after the startup compaction): later and
        // later, so the job finishes despite the crashes, each of which lands somewhere else in the recovery.
        const closed = new Map<string, string>();
        for (let restart = 1; ; restart++) {
          expect(restart, `kill after ${n}: recovery does not converge`).toBeLessThan(40);
          const run = await drive(work, 'recover', { KILL_AFTER_STEP: String(restart) });
          for (const [job, outcome] of run.closed) closed.set(job, outcome);
          if (!run.killed) break;
        }
        await checkFinished(
          work,
          before,
          closed,
          true,
          `kill after ${n} ${steps[n - 1]}, recovery killed too`,
        );
      }),
    );
  });

  it('a torn last line (crash in the middle of a journal write) is dropped and the job still finishes', async () => {
    const journalSteps = kills().filter((n) => steps[n - 1]!.startsWith('journal.'));
    expect(journalSteps).toHaveLength(15);
    await pool(
      journalSteps.map((n) => async () => {
        const work = await copyOf(n, 'torn');
        await tearLastLine(work);
        const before = await journaledJob(work);
        const run = await drive(work, 'recover');
        expect(run.torn).toBe(true);
        await checkFinished(work, before, run.closed, true, `torn ${steps[n - 1]} (step ${n})`);
      }),
    );
  });
});
