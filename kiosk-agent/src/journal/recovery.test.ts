import { describe, expect, it } from 'vitest';
import type { JournalRecord } from './records';
import { planRecovery } from './recovery';
import { replay, type JobState } from './replay';
import { JOB, S, done, rec } from './test-records';

const job = (...records: JournalRecord[]): JobState => replay(records).get(JOB)!;
const paid2 = [rec.opened(2), rec.paid(600)];

describe('planRecovery', () => {
  it('a paid job not started: print every copy, then close completed', () => {
    expect(planRecovery(job(...paid2))).toEqual([
      { type: 'print', copyIndex: 0, replaces: null },
      { type: 'print', copyIndex: 1, replaces: null },
      { type: 'close', outcome: 'completed' },
    ]);
  });

  it('a copy printing but never confirmed: spoiled, voided at HQ, reprinted under a new serial', () => {
    expect(planRecovery(job(...paid2, ...done(S(1), 0), rec.printing(S(2), 1)))).toEqual([
      { type: 'mark-spoiled', serial: S(2), copyIndex: 1 },
      { type: 'report', serial: S(2), copyIndex: 1, status: 'spoiled' },
      { type: 'print', copyIndex: 1, replaces: S(2) },
      { type: 'close', outcome: 'completed' },
    ]);
  });

  it('a copy spoiled but not yet reported: report, then reprint', () => {
    expect(planRecovery(job(...paid2, ...done(S(1), 0), rec.printing(S(2), 1), rec.spoiled(S(2))))).toEqual([
      { type: 'report', serial: S(2), copyIndex: 1, status: 'spoiled' },
      { type: 'print', copyIndex: 1, replaces: S(2) },
      { type: 'close', outcome: 'completed' },
    ]);
  });

  it('printed but not reported: report printed, never print it again', () => {
    const state = job(...paid2, ...done(S(1), 0), rec.printing(S(2), 1), rec.printed(S(2)));
    expect(planRecovery(state)).toEqual([
      { type: 'report', serial: S(2), copyIndex: 1, status: 'printed' },
      { type: 'close', outcome: 'completed' },
    ]);
    expect(planRecovery(state, { canReprint: false })).toEqual(planRecovery(state));
  });

  it('all copies printed and reported: close completed', () => {
    expect(planRecovery(job(...paid2, ...done(S(1), 0), ...done(S(2), 1)))).toEqual([
      { type: 'close', outcome: 'completed' },
    ]);
  });

  it('nothing printed and unpaid: close voided', () => {
    expect(planRecovery(job(rec.opened(2)))).toEqual([{ type: 'close', outcome: 'voided' }]);
    expect(planRecovery(job(rec.opened(2)), { canReprint: false })).toEqual([
      { type: 'close', outcome: 'voided' },
    ]);
  });

  it('paid copies that cannot be printed: refund exactly those, close refunded', () => {
    const state = job(...paid2, ...done(S(1), 0), rec.printing(S(2), 1));
    expect(planRecovery(state, { canReprint: false })).toEqual([
      { type: 'mark-spoiled', serial: S(2), copyIndex: 1 },
      // Owed before HQ is told anything: the money must not wait for HQ to be reachable.
      { type: 'refund', copyIndexes: [1], amountYen: 300 },
      { type: 'report', serial: S(2), copyIndex: 1, status: 'spoiled' },
      { type: 'close', outcome: 'refunded' },
    ]);
    expect(planRecovery(job(...paid2), { canReprint: false })).toEqual([
      { type: 'refund', copyIndexes: [0, 1], amountYen: 600 },
      { type: 'close', outcome: 'refunded' },
    ]);
  });

  it('after the refund: only the close is left, even if reprinting became possible', () => {
    expect(planRecovery(job(...paid2, ...done(S(1), 0), rec.refunded([1], 300)))).toEqual([
      { type: 'close', outcome: 'refunded' },
    ]);
  });

  it('a free job that cannot be printed is voided (nothing to pay back)', () => {
    expect(planRecovery(job(rec.opened(1, 0)), { canReprint: false })).toEqual([
      { type: 'close', outcome: 'voided' },
    ]);
    expect(planRecovery(job(rec.opened(1, 0)))).toEqual([
      { type: 'print', copyIndex: 0, replaces: null },
      { type: 'close', outcome: 'completed' },
    ]);
  });

  it('a closed job needs nothing', () => {
    expect(planRecovery(job(rec.opened(1), rec.closed('voided')))).toEqual([]);
  });

  it('every plan, carried out step by step, is accepted by the journal rules and ends closed', () => {
    // Exhaustive over the prefixes of a jammed three-copy job, with and without reprinting.
    const story: JournalRecord[] = [
      rec.opened(3),
      rec.paid(900),
      ...done(S(1), 0),
      rec.printing(S(2), 1),
      rec.spoiled(S(2)),
      rec.reported(S(2), 'spoiled'),
      ...done(S(3), 1),
      rec.printing(S(4), 2),
      rec.printed(S(4)),
      rec.reported(S(4), 'printed'),
    ];
    for (let n = 1; n <= story.length; n++) {
      for (const canReprint of [true, false]) {
        const records = story.slice(0, n);
        let next = 100;
        for (let guard = 0; guard < 50; guard++) {
          const state = replay(records).get(JOB)!;
          const [action] = planRecovery(state, { canReprint });
          if (!action) break;
          const at = records[0]!.at;
          switch (action.type) {
            case 'mark-spoiled':
              records.push(rec.spoiled(action.serial));
              break;
            case 'report':
              records.push(rec.reported(action.serial, action.status));
              break;
            case 'print':
              records.push(...done(S(next++), action.copyIndex));
              break;
            case 'refund':
              records.push({ ...action, type: 'job.refunded', at, jobId: JOB });
              break;
            case 'close':
              records.push(rec.closed(action.outcome));
          }
        }
        const end = replay(records).get(JOB)!;
        expect(end.closed, `n=${n} canReprint=${canReprint}`).not.toBeNull();
        const printed = new Set(end.attempts.filter((a) => a.state === 'printed').map((a) => a.copyIndex));
        expect(printed.size + (end.refund?.copyIndexes.length ?? 0), `n=${n}`).toBe(n >= 2 ? 3 : 0);
      }
    }
  });
});
