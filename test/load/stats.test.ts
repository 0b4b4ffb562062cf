import { describe, expect, it } from 'vitest';
import { Samples, Tally } from './stats';

describe('load statistics', () => {
  it('nearest-rank percentiles', () => {
    const s = new Samples();
    for (let i = 1; i <= 100; i++) s.add(i);
    expect(s.percentile(50)).toBe(50);
    expect(s.percentile(99)).toBe(99);
    expect(s.percentile(100)).toBe(100);
    expect(new Samples().percentile(50)).toBeNaN();
  });

  it('tallies error codes', () => {
    const t = new Tally();
    t.add('HQ_UNAVAILABLE');
    t.add('HQ_UNAVAILABLE');
    t.add('SESSION_EXPIRED');
    expect(t.total).toBe(3);
    expect(t.toString()).toBe('HQ_UNAVAILABLE×2, SESSION_EXPIRED×1');
  });
});
