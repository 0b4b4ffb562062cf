import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { recoverJob, type RecoveryPorts } from './execute';
import { JournalCorruptError } from './file';
import { JOURNAL_FILE, openJournal, type Journal } from './journal';
import type { JournalRecordInput } from './records';
import { JournalRuleError } from './replay';
import { JOB, S, done, rec } from './test-records';

const OTHER = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const NOW = new Date('2026-11-22T11:00:00.000Z');

describe('Journal', () => {
  let dir: string;
  let journal: Journal;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kiosk-journal-'));
    journal = await openJournal(dir, { now: () => NOW });
  });

  afterEach(async () => {
    await journal.close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  const file = () => join(dir, JOURNAL_FILE);
  const lines = async () => (await readFile(file(), 'utf8')).split('\n').filter(Boolean);
  const reopen = async () => {
    await journal.close();
    journal = await openJournal(dir, { now: () => NOW });
  };

  async function appendAll(records: JournalRecordInput[]) {
    for (const r of records) await journal.append(r);
  }

  it('stamps, writes one line per record and replays it after a reopen', async () => {
    const written = await journal.append({
      type: 'job.opened',
      jobId: JOB,
      issuanceId: OTHER,
      copies: 1,
      feeYen: 300,
    });
    expect(written.at).toBe(NOW.toISOString());
    await journal.append(rec.paid(300));
    await journal.append(rec.printing(S(1), 0));
    expect(await lines()).toHaveLength(3);
    await reopen();
    expect(journal.tornBytes).toBe(0);
    expect(journal.openJobs()).toMatchObject([
      { jobId: JOB, paidYen: 300, attempts: [{ serial: S(1), state: 'printing' }] },
    ]);
  });

  it('refuses a record with personal data or against the rules, and writes nothing', async () => {
    await appendAll([rec.opened(2), rec.paid(600), ...done(S(1), 0)]);
    const before = await lines();
    const withName = { ...rec.printing(S(2), 1), name: '山田太郎' } as unknown as JournalRecordInput;
    await expect(journal.append(withName)).rejects.toBeInstanceOf(z.ZodError);
    await expect(journal.append(rec.printing(S(2), 0))).rejects.toBeInstanceOf(JournalRuleError);
    expect(await lines()).toEqual(before);
    await appendAll([...done(S(2), 1), rec.closed('completed')]); // still usable
    expect(journal.openJobs()).toEqual([]);
  });

  it('serialises concurrent appends in call order', async () => {
    await Promise.all([
      journal.append(rec.opened(2)),
      journal.append(rec.paid(600)),
      journal.append(rec.printing(S(1), 0)),
    ]);
    expect(journal.openJobs()[0]?.attempts).toHaveLength(1);
  });

  it('hands out copies of its state', async () => {
    await journal.append(rec.opened(1));
    journal.openJobs()[0]!.paidYen = 300;
    expect(journal.job(JOB)?.paidYen).toBe(0);
  });

  it('ignores and cuts off a torn last line, then appends cleanly', async () => {
    await appendAll([rec.opened(1), rec.paid(300)]);
    const text = await readFile(file(), 'utf8');
    const cut = text.length - 10;
    await writeFile(file(), text.slice(0, cut));
    await reopen();
    expect(journal.tornBytes).toBe(cut - (text.indexOf('\n') + 1));
    expect(journal.openJobs()[0]?.paidYen).toBe(0);
    await journal.append(rec.paid(300));
    await reopen();
    expect(journal.openJobs()[0]?.paidYen).toBe(300);
  });

  it('refuses to open a journal damaged in the middle', async () => {
    await appendAll([rec.opened(1), rec.paid(300)]);
    await journal.close();
    const [first, second] = (await readFile(file(), 'utf8')).split('\n');
    await writeFile(file(), `${first!.replace('"copies":1', '"copies":2')}\n${second}\n`);
    await expect(openJournal(dir)).rejects.toBeInstanceOf(JournalCorruptError);
  });

  it('compacts away closed jobs and keeps open ones, atomically', async () => {
    await appendAll([
      rec.opened(1),
      rec.paid(300),
      ...done(S(1), 0),
      rec.opened(1, 300, OTHER),
      rec.closed('completed'),
      rec.paid(300, OTHER),
      rec.printing(S(2), 0, OTHER),
    ]);
    await writeFile(`${file()}.tmp`, 'left over by a crashed compaction');
    await reopen();
    expect(await journal.compact()).toEqual({ droppedRecords: 6, keptRecords: 3 });
    expect(await lines()).toHaveLength(3);
    await expect(readFile(`${file()}.tmp`)).rejects.toMatchObject({ code: 'ENOENT' });
    await journal.append(rec.printed(S(2), OTHER));
    await reopen();
    expect(journal.openJobs().map((j) => [j.jobId, j.attempts[0]?.state])).toEqual([[OTHER, 'printed']]);
    expect(await journal.compact()).toEqual({ droppedRecords: 0, keptRecords: 4 });
  });

  it('recoverJob carries a crashed job to its close through the ports', async () => {
    await appendAll([rec.opened(2), rec.paid(600), ...done(S(1), 0), rec.printing(S(2), 1)]);
    await appendFile(file(), '0123'); // and a torn line for good measure
    await reopen();
    const calls: string[] = [];
    const ports: RecoveryPorts = {
      reportCopy: async (_, serial, status) => void calls.push(`report ${serial} ${status}`),
      prepareCopy: async (_, copyIndex, replaces) => ({
        serial: S(9),
        print: async () => void calls.push(`print ${copyIndex} replacing ${replaces}`),
      }),
      refund: async () => void calls.push('refund'),
    };
    const end = await recoverJob(journal, JOB, ports);
    expect(end.closed).toBe('completed');
    expect(calls).toEqual([`report ${S(2)} spoiled`, `print 1 replacing ${S(2)}`, `report ${S(9)} printed`]);
    expect(journal.openJobs()).toEqual([]);
  });

  it('recoverJob: a print that fails leaves the copy spoiled and the job open', async () => {
    await appendAll([rec.opened(1), rec.paid(300)]);
    const ports: RecoveryPorts = {
      reportCopy: async () => undefined,
      prepareCopy: async () => ({
        serial: S(1),
        print: async () => {
          throw new Error('jam');
        },
      }),
      refund: async () => undefined,
    };
    await expect(recoverJob(journal, JOB, ports)).rejects.toThrow('jam');
    expect(journal.job(JOB)?.attempts).toMatchObject([{ serial: S(1), state: 'spoiled', reported: null }]);
    const end = await recoverJob(journal, JOB, ports, { canReprint: false });
    expect(end).toMatchObject({ closed: 'refunded', refund: { copyIndexes: [0], amountYen: 300 } });
  });
});
