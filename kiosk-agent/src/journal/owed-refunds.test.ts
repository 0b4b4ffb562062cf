import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JOURNAL_FILE, openJournal, type Journal } from './journal';
import type { JournalRecordInput } from './records';
import { JournalRuleError } from './replay';
import { JOB, REFUND, S, STAFF_CODE_ID, done, rec } from './test-records';

const OTHER_JOB = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const OTHER_REFUND = 'f0e1d2c3-b4a5-4968-8776-655443322110';

describe('owed refunds in the journal', () => {
  let dir: string;
  let journal: Journal;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kiosk-owed-'));
    journal = await openJournal(dir);
  });

  afterEach(async () => {
    await journal.close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  const lines = async () =>
    (await readFile(join(dir, JOURNAL_FILE), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line.slice(9)) as { type: string });
  const reopen = async () => {
    await journal.close();
    journal = await openJournal(dir);
  };
  async function appendAll(records: JournalRecordInput[]) {
    for (const r of records) await journal.append(r);
  }
  /** A 2-copy job: copy 1 printed, copy 2 owed (300 yen) and the job closed refunded. */
  const refundedJob = (jobId = JOB, refundId = REFUND) => [
    rec.opened(2, 600, jobId),
    rec.paid(600, jobId),
    ...done(S(jobId === JOB ? 1 : 2), 0, jobId),
    rec.owed(300, jobId, refundId),
    rec.refunded([1], 300, jobId),
    rec.closed('refunded', jobId),
  ];

  it('records an owed refund with ids, amount and time only; refuses anything personal', async () => {
    await appendAll(refundedJob());
    expect(journal.owedRefunds()).toEqual([
      { refundId: REFUND, jobId: JOB, amountYen: 300, owedAt: '2026-11-22T10:30:00.000Z', settled: null },
    ]);
    await reopen();
    expect(journal.owedRefunds()).toHaveLength(1);
    const withName = { ...rec.settled(), name: '山田太郎' } as unknown as JournalRecordInput;
    await expect(journal.append(withName)).rejects.toBeInstanceOf(z.ZodError);
    // A staff code is never journaled, only its id.
    const withCode = { ...rec.settled(), staffCodeId: '135790' } as JournalRecordInput;
    await expect(journal.append(withCode)).rejects.toBeInstanceOf(z.ZodError);
  });

  it('owes only for a known, open, paid job, once per job, never more than was paid', async () => {
    await expect(journal.append(rec.owed(300))).rejects.toBeInstanceOf(JournalRuleError); // unknown job
    await appendAll([rec.opened(2)]);
    await expect(journal.append(rec.owed(300))).rejects.toThrow('owes 300, paid 0');
    await appendAll([rec.paid(600)]);
    await expect(journal.append(rec.owed(900))).rejects.toThrow('owes 900, paid 600');
    await journal.append(rec.owed(600));
    await expect(journal.append(rec.owed(600, JOB, OTHER_REFUND))).rejects.toThrow('job already owed');
    await appendAll([rec.refunded([0, 1], 600), rec.closed('refunded')]);
    await appendAll([rec.opened(1, 300, OTHER_JOB), rec.paid(300, OTHER_JOB)]);
    await expect(journal.append(rec.owed(300, OTHER_JOB))).rejects.toThrow('refund already exists');
  });

  it('settles once: an unknown or settled refund is refused and nothing is written', async () => {
    await appendAll(refundedJob());
    await expect(journal.append(rec.settled(OTHER_REFUND))).rejects.toThrow('unknown refund');
    await journal.append(rec.settled());
    expect(journal.owedRefunds()).toEqual([]);
    expect(journal.owedRefund(REFUND)?.settled).toEqual({
      at: expect.any(String),
      staffCodeId: STAFF_CODE_ID,
    });
    const before = await lines();
    await expect(journal.append(rec.settled())).rejects.toThrow('already settled');
    expect(await lines()).toEqual(before);
  });

  it('compaction keeps unsettled owed refunds (without their closed job) and drops settled ones', async () => {
    await appendAll([...refundedJob(), ...refundedJob(OTHER_JOB, OTHER_REFUND), rec.settled(OTHER_REFUND)]);
    await reopen();
    expect(await journal.compact()).toEqual({ droppedRecords: 16, keptRecords: 1 });
    expect(await lines()).toEqual([rec.owed(300)]);
    expect(journal.openJobs()).toEqual([]);
    expect(journal.owedRefunds().map((r) => r.refundId)).toEqual([REFUND]);

    // Reopened from the compacted file (the job is gone): still owed, still settleable once.
    await reopen();
    expect(journal.owedRefunds()).toMatchObject([{ refundId: REFUND, jobId: JOB, amountYen: 300 }]);
    await journal.append(rec.settled());
    await reopen();
    expect(journal.owedRefunds()).toEqual([]);
    expect(await journal.compact()).toEqual({ droppedRecords: 2, keptRecords: 0 });
    expect(await lines()).toEqual([]);
  });
});
