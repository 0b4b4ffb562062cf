import { describe, expect, it } from 'vitest';
import { formatWareki, japanDateOf, toWareki } from './era';

describe('toWareki / formatWareki', () => {
  it('formats the example date', () => {
    expect(formatWareki('2026-11-22')).toBe('令和8年11月22日');
  });

  it.each([
    ['2019-04-30', '平成31年4月30日'],
    ['2019-05-01', '令和元年5月1日'],
    ['2020-01-01', '令和2年1月1日'],
    ['1989-01-07', '昭和64年1月7日'],
    ['1989-01-08', '平成元年1月8日'],
    ['1926-12-24', '大正15年12月24日'],
    ['1926-12-25', '昭和元年12月25日'],
    ['1912-07-29', '明治45年7月29日'],
    ['1912-07-30', '大正元年7月30日'],
    ['1873-01-01', '明治6年1月1日'],
    ['2000-02-29', '平成12年2月29日'],
  ])('%s → %s', (iso, expected) => {
    expect(formatWareki(iso)).toBe(expected);
  });

  it('returns the parts', () => {
    expect(toWareki('2019-05-01')).toEqual({ era: '令和', year: 1, month: 5, day: 1 });
    expect(toWareki('1985-03-15')).toEqual({ era: '昭和', year: 60, month: 3, day: 15 });
  });

  it('refuses dates that do not exist or predate the Gregorian calendar in Japan', () => {
    for (const bad of ['2019-02-29', '2019-13-01', '2019-5-1', '2019-05-01T00:00:00Z', '', '1872-12-31']) {
      expect(() => toWareki(bad), bad).toThrow(RangeError);
    }
  });
});

describe('japanDateOf', () => {
  it('takes the calendar date in Japan, not UTC', () => {
    expect(japanDateOf('2026-11-21T14:59:59Z')).toBe('2026-11-21');
    expect(japanDateOf('2026-11-21T15:00:00Z')).toBe('2026-11-22');
    expect(japanDateOf('2019-04-30T15:00:00.000Z')).toBe('2019-05-01');
    expect(japanDateOf('2026-11-22T08:30:00+09:00')).toBe('2026-11-22');
  });

  it('refuses garbage', () => {
    expect(() => japanDateOf('yesterday')).toThrow(RangeError);
  });
});
