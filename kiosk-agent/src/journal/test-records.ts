import type { JournalRecord } from './records';

/** Record builders for the journal's unit tests. */

export const JOB = '0b6f7c1e-3a52-4d8e-9a51-2f1c7d0e9b11';
export const ISSUANCE = '7d2e9f40-1c3b-4a6d-8e5f-90a1b2c3d4e5';
const AT = '2026-11-22T10:30:00.000Z';

export const S = (n: number): string => `139998-261123-SERIAL${n}`;
export const REFUND = 'c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f';
export const STAFF_CODE_ID = '0123456789abcdef';

export const rec = {
  opened: (copies = 2, feeYen = 300 * copies, jobId = JOB): JournalRecord => ({
    type: 'job.opened',
    at: AT,
    jobId,
    issuanceId: ISSUANCE,
    copies,
    feeYen,
  }),
  paid: (amountYen: number, jobId = JOB): JournalRecord => ({ type: 'job.paid', at: AT, jobId, amountYen }),
  printing: (serial: string, copyIndex: number, jobId = JOB): JournalRecord => ({
    type: 'copy.printing',
    at: AT,
    jobId,
    serial,
    copyIndex,
  }),
  printed: (serial: string, jobId = JOB): JournalRecord => ({ type: 'copy.printed', at: AT, jobId, serial }),
  spoiled: (serial: string, jobId = JOB): JournalRecord => ({ type: 'copy.spoiled', at: AT, jobId, serial }),
  reported: (serial: string, status: 'printed' | 'spoiled', jobId = JOB): JournalRecord => ({
    type: 'copy.reported',
    at: AT,
    jobId,
    serial,
    status,
  }),
  refunded: (copyIndexes: number[], amountYen: number, jobId = JOB): JournalRecord => ({
    type: 'job.refunded',
    at: AT,
    jobId,
    copyIndexes,
    amountYen,
  }),
  closed: (outcome: 'completed' | 'voided' | 'refunded', jobId = JOB): JournalRecord => ({
    type: 'job.closed',
    at: AT,
    jobId,
    outcome,
  }),
  owed: (amountYen: number, jobId = JOB, refundId = REFUND): JournalRecord => ({
    type: 'refund.owed',
    at: AT,
    refundId,
    jobId,
    amountYen,
  }),
  settled: (refundId = REFUND, staffCodeId = STAFF_CODE_ID): JournalRecord => ({
    type: 'refund.settled',
    at: AT,
    refundId,
    staffCodeId,
  }),
};

/** A copy printed and reported. */
export const done = (serial: string, copyIndex: number, jobId = JOB): JournalRecord[] => [
  rec.printing(serial, copyIndex, jobId),
  rec.printed(serial, jobId),
  rec.reported(serial, 'printed', jobId),
];
