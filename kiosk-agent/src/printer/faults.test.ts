import { describe, expect, it } from 'vitest';
import { faultStatus, PrinterClearRequest, PrinterFaultRequest } from './faults';

describe('dev API fault bodies', () => {
  it('accepts the fault kinds with an optional page, place and job', () => {
    expect(PrinterFaultRequest.parse({ kind: 'jam', atPage: 2, where: ' fuser ' })).toEqual({
      kind: 'jam',
      atPage: 2,
      where: 'fuser',
    });
    for (const kind of ['paperOut', 'coverOpen', 'offline']) {
      expect(PrinterFaultRequest.safeParse({ kind }).success).toBe(true);
    }
    expect(PrinterFaultRequest.parse({ kind: 'offline', atPage: 1, jobId: 'iss-1' })).toMatchObject({
      jobId: 'iss-1',
    });
  });

  it('refuses what the printer cannot do', () => {
    for (const body of [
      {},
      { kind: 'fire' },
      { kind: 'jam', atPage: 0 },
      { kind: 'jam', atPage: 1.5 },
      { kind: 'jam', where: '' },
      { kind: 'paperOut', where: 'tray 1' },
      { kind: 'jam', extra: true },
      { kind: 'jam', where: 'x'.repeat(41) },
    ]) {
      expect(PrinterFaultRequest.safeParse(body).success, JSON.stringify(body)).toBe(false);
    }
  });

  it('turns a request into the printer status', () => {
    expect(faultStatus({ kind: 'jam' })).toEqual({ state: 'jam', where: 'paper path' });
    expect(faultStatus({ kind: 'jam', where: 'fuser' })).toEqual({ state: 'jam', where: 'fuser' });
    expect(faultStatus({ kind: 'coverOpen' })).toEqual({ state: 'coverOpen' });
  });

  it('takes an empty clear body or refillPaper', () => {
    expect(PrinterClearRequest.parse({})).toEqual({});
    expect(PrinterClearRequest.parse({ refillPaper: false })).toEqual({ refillPaper: false });
    expect(PrinterClearRequest.safeParse({ refillPaper: 'yes' }).success).toBe(false);
  });
});
