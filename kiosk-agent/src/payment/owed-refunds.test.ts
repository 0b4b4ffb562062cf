import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KioskError } from '../errors';
import { openJournal, type Journal } from '../journal/index';
import { JOB, STAFF_CODE_ID, rec } from '../journal/test-records';
import { OwedRefunds } from './owed-refunds';

describe('OwedRefunds', () => {
  let dir: string;
  let journal: Journal;
  let owed: OwedRefunds;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kiosk-owed-'));
    journal = await openJournal(dir);
    owed = new OwedRefunds(journal, pino({ level: 'silent' }));
    for (const r of [rec.opened(2), rec.paid(600)]) await journal.append(r);
  });
  afterEach(async () => {
    await journal.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('owes once per job and says so to its listeners', async () => {
    let changes = 0;
    owed.onChange(() => changes++);
    const first = await owed.owe(JOB, 600);
    expect(await owed.owe(JOB, 600)).toEqual(first);
    expect(owed.summary()).toEqual({ count: 1, totalYen: 600 });
    expect(changes).toBe(1);
  });

  it('two taps at once settle once; the other is told it was already settled', async () => {
    const { refundId } = await owed.owe(JOB, 600);
    const results = await Promise.allSettled([
      owed.settle(refundId, STAFF_CODE_ID),
      owed.settle(refundId, STAFF_CODE_ID),
    ]);
    expect(results[0].status).toBe('fulfilled');
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { code: 'REFUND_ALREADY_SETTLED' } });
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(KioskError);
    expect(owed.summary()).toEqual({ count: 0, totalYen: 0 });
  });
});
