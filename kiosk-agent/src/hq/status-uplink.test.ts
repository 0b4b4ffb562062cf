import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { StatusReport, TerminalDeviceStatus } from 'hq-gateway/api/schemas';
import type { HqClient } from './client';
import { StatusUplink } from './status-uplink';

/** An HQ stand-in that records reports and can be made unreachable or forgetful. */
function fakeHq() {
  const reports: StatusReport[] = [];
  const hq = {
    down: false,
    forgot: false,
    reports,
    reportStatus(report: StatusReport) {
      if (hq.down) return Promise.reject(new Error('HQ down'));
      reports.push(report);
      const applied = !(hq.forgot && report.kind === 'change');
      hq.forgot = false;
      return Promise.resolve({ applied });
    },
  };
  return hq;
}

const base: TerminalDeviceStatus = {
  reader: 'ready',
  printer: 'idle',
  jamWhere: null,
  paperLow: false,
  outOfService: false,
};

describe('StatusUplink', () => {
  it('sends a snapshot first, then only the fields that changed', async () => {
    const hq = fakeHq();
    let status = base;
    const uplink = new StatusUplink(hq as unknown as HqClient, () => status, pino({ level: 'silent' }), 10);
    uplink.update();
    await expect.poll(() => hq.reports.length).toBe(1);
    status = { ...status, printer: 'jam', jamWhere: 'fuser' };
    uplink.update();
    await expect.poll(() => hq.reports.length).toBe(2);
    uplink.update(); // nothing changed: nothing sent
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(hq.reports).toEqual([
      { kind: 'snapshot', status: base },
      { kind: 'change', fields: { printer: 'jam', jamWhere: 'fuser' } },
    ]);
    uplink.close();
  });

  it('resends a whole snapshot after HQ was unreachable or lost track', async () => {
    const hq = fakeHq();
    let status = base;
    const uplink = new StatusUplink(hq as unknown as HqClient, () => status, pino({ level: 'silent' }), 10);
    uplink.update();
    await expect.poll(() => hq.reports.length).toBe(1);
    hq.down = true;
    status = { ...status, printer: 'paperOut' };
    uplink.update();
    await new Promise((resolve) => setTimeout(resolve, 5));
    hq.down = false;
    await expect.poll(() => hq.reports.at(-1)).toEqual({ kind: 'snapshot', status });
    hq.forgot = true;
    status = { ...status, printer: 'idle' };
    uplink.update();
    await expect.poll(() => hq.reports.at(-1)).toEqual({ kind: 'snapshot', status });
    uplink.close();
  });
});
