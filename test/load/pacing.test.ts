import { describe, expect, it } from 'vitest';
import { cpuPerTransaction } from './cpu-usage';
import { pacing, parseRates } from './pacing';

describe('load pacing', () => {
  it('spreads the fleet rate over the kiosks, starts staggered evenly', () => {
    const p = pacing(400, 200, 1_000);
    expect(p.intervalMs).toBe(500); // each kiosk twice a second
    expect(p.firstAt(0)).toBe(1_000);
    expect(p.firstAt(1)).toBe(1_002.5);
    expect(p.firstAt(199)).toBe(1_497.5);
    // Over one interval the fleet starts exactly `rate × interval` transactions, one every 2.5 ms.
    const starts = Array.from({ length: 200 }, (_, i) => p.firstAt(i));
    expect(new Set(starts.map((s) => Math.floor((s - 1_000) / 2.5))).size).toBe(200);
  });

  it('refuses rates it cannot pace', () => {
    expect(() => pacing(0, 10, 0)).toThrow();
    expect(() => pacing(10, 0, 0)).toThrow();
    expect(parseRates('100, 200,300')).toEqual([100, 200, 300]);
    expect(() => parseRates('100,x')).toThrow(/--rate/);
    expect(() => parseRates('-5')).toThrow(/--rate/);
  });

  it('divides each group’s CPU time by the transactions', () => {
    const per = cpuPerTransaction(
      { gateways: 1_000, 'load generator': 500 },
      { gateways: 3_000, 'load generator': 1_500 },
      500,
    );
    expect(per).toEqual({ gateways: 4, 'load generator': 2 });
    expect(cpuPerTransaction({ gateways: 0 }, { gateways: 10 }, 0).gateways).toBeNaN();
  });
});
