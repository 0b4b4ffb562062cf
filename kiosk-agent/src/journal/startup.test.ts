import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openJournal } from './journal';
import type { JournalRecord } from './records';
import { openJournalAndRecover } from './startup';
import { JOB, S, done, rec } from './test-records';

const logger = pino({ level: 'silent' });

describe('openJournalAndRecover: a paid job left open by a crash', () => {
  let dir: string;
  let reports: string[];
  let hqDown = false;
  const hq = {
    reportCopy: async (_issuanceId: string, serial: string, body: { status: 'printed' | 'spoiled' }) => {
      if (hqDown) throw new Error('HQ unreachable');
      reports.push(`${serial} ${body.status}`);
      return { serial, status: body.status };
    },
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kiosk-startup-'));
    reports = [];
    hqDown = false;
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function write(records: JournalRecord[]) {
    const journal = await openJournal(dir);
    for (const r of records) await journal.append(r);
    await journal.close();
  }
  async function restart() {
    const { journal, owedRefunds } = await openJournalAndRecover(dir, hq, logger);
    const state = { owed: owedRefunds.list(), summary: owedRefunds.summary(), job: journal.job(JOB) };
    await journal.close();
    return state;
  }

  it('owes the missing copy (staff pay it at the counter), closes refunded, tells HQ as before', async () => {
    await write([rec.opened(2), rec.paid(600), ...done(S(1), 0), rec.printing(S(2), 1)]);
    const first = await restart();
    expect(reports).toEqual([`${S(2)} spoiled`]);
    expect(first.job).toMatchObject({ closed: 'refunded', refund: { copyIndexes: [1], amountYen: 300 } });
    expect(first.owed).toMatchObject([{ jobId: JOB, amountYen: 300, settled: null }]);
    expect(first.summary).toEqual({ count: 1, totalYen: 300 });

    // A second restart compacts the closed job away, keeps the refund owed and owes nothing more.
    const second = await restart();
    expect(second.job).toBeUndefined();
    expect(second.owed).toEqual(first.owed);
    expect(reports).toHaveLength(1);
  });

  it('killed after owing but before job.refunded: owed once, then the job closes', async () => {
    await write([rec.opened(2), rec.paid(600), rec.owed(600)]);
    const after = await restart();
    expect(after.owed).toMatchObject([{ jobId: JOB, amountYen: 600 }]);
    expect(after.job).toMatchObject({ closed: 'refunded', refund: { copyIndexes: [0, 1], amountYen: 600 } });
  });

  it('owes the money at once even while HQ is unreachable; the reports and the close follow later', async () => {
    await write([rec.opened(2), rec.paid(600), ...done(S(1), 0), rec.printing(S(2), 1)]);
    hqDown = true;
    const offline = await restart();
    expect(offline.owed).toMatchObject([{ jobId: JOB, amountYen: 300, settled: null }]);
    expect(offline.job).toMatchObject({ closed: null, refund: { copyIndexes: [1], amountYen: 300 } });
    expect(reports).toEqual([]);

    hqDown = false;
    const online = await restart();
    expect(reports).toEqual([`${S(2)} spoiled`]);
    expect(online.job).toMatchObject({ closed: 'refunded' });
    expect(online.owed).toEqual(offline.owed);
  });

  it('an unpaid job owes nothing', async () => {
    await write([rec.opened(2)]);
    expect(await restart()).toMatchObject({ owed: [], summary: { count: 0, totalYen: 0 } });
  });
});
