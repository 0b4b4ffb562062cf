import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { StatusReport } from 'hq-gateway/api/schemas';
import type { HqClient } from './client';
import { StatusUplink } from './status-uplink';
import { idleDeviceStatus as base } from './testing/device-status';

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
      const applied = !(hq.forgot && report.kind !== 'snapshot');
      hq.forgot = false;
      return Promise.resolve({ applied });
    },
  };
  return hq;
}

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

  it('sends a heartbeat only after a quiet period, and a snapshot when HQ answers it lost track', async () => {
    const hq = fakeHq();
    let status = base;
    const uplink = new StatusUplink(
      hq as unknown as HqClient,
      () => status,
      pino({ level: 'silent' }),
      10,
      40,
    );
    uplink.update();
    await expect.poll(() => hq.reports.length).toBe(1);
    // Counters are compared by value: a fresh but equal object is no change.
    status = { ...status, counters: { ...status.counters } };
    uplink.update();
    await expect.poll(() => hq.reports.at(-1)).toEqual({ kind: 'heartbeat' });
    expect(hq.reports).toHaveLength(2);
    status = { ...status, screen: 'payment', counters: { ...status.counters, sessions: 1 } };
    uplink.update();
    await expect
      .poll(() => hq.reports.at(-1))
      .toEqual({
        kind: 'change',
        fields: { screen: 'payment', counters: { ...base.counters, sessions: 1 } },
      });
    hq.forgot = true; // the next heartbeat is answered applied: false
    await expect.poll(() => hq.reports.at(-1)).toEqual({ kind: 'snapshot', status });
    const kinds = hq.reports.map((r) => r.kind);
    expect(kinds.slice(-2)).toEqual(['heartbeat', 'snapshot']);
    uplink.close();
  });
});
