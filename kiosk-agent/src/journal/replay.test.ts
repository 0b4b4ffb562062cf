import { describe, expect, it } from 'vitest';
import { JournalRecord } from './records';
import { JournalRuleError, replay } from './replay';
import { ISSUANCE, JOB, S, done, rec } from './test-records';

describe('record schemas', () => {
  it('accept ids and progress', () => {
    for (const r of [
      rec.opened(),
      rec.paid(600),
      ...done(S(1), 0),
      rec.refunded([1], 300),
      rec.closed('refunded'),
    ]) {
      expect(JournalRecord.parse(r)).toEqual(r);
    }
  });

  it('refuse any other field, so no personal data can be journaled', () => {
    expect(() => JournalRecord.parse({ ...rec.opened(), name: '山田太郎' })).toThrow();
    expect(() => JournalRecord.parse({ ...rec.printing(S(1), 0), document: 'eyJ...' })).toThrow();
  });

  it('refuse malformed ids, serials, amounts and outcomes', () => {
    expect(() => JournalRecord.parse({ ...rec.opened(), jobId: 'job-1' })).toThrow();
    expect(() => JournalRecord.parse(rec.printing('139998-261123-abc', 0))).toThrow();
    expect(() => JournalRecord.parse(rec.printing('SHORT', 0))).toThrow();
    expect(() => JournalRecord.parse(rec.opened(3, 1000))).toThrow(); // not a whole fee per copy
    expect(() => JournalRecord.parse(rec.paid(-1))).toThrow();
    expect(() => JournalRecord.parse({ ...rec.closed('completed'), outcome: 'lost' })).toThrow();
  });
});

describe('replay', () => {
  it('tracks which copies printed, which are in progress and which HQ knows about', () => {
    const jobs = replay([
      rec.opened(3),
      rec.paid(900),
      ...done(S(1), 0),
      rec.printing(S(2), 1),
      rec.printed(S(2)),
    ]);
    expect(jobs.get(JOB)).toEqual({
      jobId: JOB,
      issuanceId: ISSUANCE,
      copies: 3,
      feeYen: 900,
      paidYen: 900,
      openedAt: '2026-11-22T10:30:00.000Z',
      attempts: [
        { serial: S(1), copyIndex: 0, state: 'printed', reported: 'printed' },
        { serial: S(2), copyIndex: 1, state: 'printed', reported: null },
      ],
      refund: null,
      closed: null,
    });
  });

  it('keeps a spoiled attempt and its reprint under a new serial', () => {
    const jobs = replay([
      rec.opened(1),
      rec.paid(300),
      rec.printing(S(1), 0),
      rec.spoiled(S(1)),
      rec.reported(S(1), 'spoiled'),
      rec.printing(S(2), 0),
    ]);
    expect(jobs.get(JOB)?.attempts.map((a) => [a.serial, a.state, a.reported])).toEqual([
      [S(1), 'spoiled', 'spoiled'],
      [S(2), 'printing', null],
    ]);
  });

  const base = [rec.opened(2), rec.paid(600)];
  it.each<[string, JournalRecord[]]>([
    ['a second print of a printed copy', [...base, ...done(S(1), 0), rec.printing(S(2), 0)]],
    ['a serial used twice', [...base, rec.printing(S(1), 0), rec.spoiled(S(1)), rec.printing(S(1), 0)]],
    ['two copies in the printer at once', [...base, rec.printing(S(1), 0), rec.printing(S(2), 1)]],
    ['printing before payment', [rec.opened(2), rec.printing(S(1), 0)]],
    ['a copy index beyond the order', [...base, rec.printing(S(1), 2)]],
    ['printed after spoiled', [...base, rec.printing(S(1), 0), rec.spoiled(S(1)), rec.printed(S(1))]],
    [
      'a report that contradicts the copy',
      [...base, rec.printing(S(1), 0), rec.printed(S(1)), rec.reported(S(1), 'spoiled')],
    ],
    ['a copy reported twice', [...base, ...done(S(1), 0), rec.reported(S(1), 'printed')]],
    ['a wrong payment', [rec.opened(2), rec.paid(300)]],
    ['a refund of a printed copy', [...base, ...done(S(1), 0), rec.refunded([0, 1], 600)]],
    ['a wrong refund amount', [...base, rec.refunded([0, 1], 300)]],
    ['a refund of an unpaid job', [rec.opened(2), rec.refunded([0, 1], 600)]],
    ['printing after a refund', [...base, rec.refunded([1], 300), rec.printing(S(1), 0)]],
    ['completed with a copy missing', [...base, ...done(S(1), 0), rec.closed('completed')]],
    ['closed with a copy still printing', [rec.opened(1, 0), rec.printing(S(1), 0), rec.closed('voided')]],
    [
      'closed with a copy not reported',
      [...base, rec.printing(S(1), 0), rec.spoiled(S(1)), rec.refunded([0, 1], 600), rec.closed('refunded')],
    ],
    ['a paid job voided', [...base, rec.closed('voided')]],
    ['refunded with a copy unaccounted for', [...base, ...done(S(1), 0), rec.closed('refunded')]],
    ['anything after close', [rec.opened(1), rec.closed('voided'), rec.paid(300)]],
    ['a job opened twice', [rec.opened(1), rec.opened(1)]],
    ['a record of an unknown job', [rec.paid(300)]],
  ])('refuses %s', (_, records) => {
    expect(() => replay(records)).toThrow(JournalRuleError);
  });

  it('closes a job completed, refunded or voided when the copies are accounted for', () => {
    const other = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
    const third = 'f0e1d2c3-b4a5-4968-8776-655443322110';
    const jobs = replay([
      ...base,
      ...done(S(1), 0),
      ...done(S(2), 1),
      rec.closed('completed'),
      rec.opened(2, 600, other),
      rec.paid(600, other),
      ...done(S(3), 0, other),
      rec.refunded([1], 300, other),
      rec.closed('refunded', other),
      rec.opened(1, 300, third),
      rec.closed('voided', third),
    ]);
    expect([...jobs.values()].map((j) => j.closed)).toEqual(['completed', 'refunded', 'voided']);
  });
});
