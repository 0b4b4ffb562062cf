/**
 * 和暦 (Japanese era) dates as printed on certificates, e.g. 令和8年11月22日 and 令和元年5月1日.
 */

export type EraName = '明治' | '大正' | '昭和' | '平成' | '令和';

export interface WarekiDate {
  era: EraName;
  /** Year within the era; 1 is printed as 元年. */
  year: number;
  month: number;
  day: number;
}

// First day of each era in the Gregorian calendar, newest first.
const ERAS: readonly { name: EraName; start: string; startYear: number }[] = [
  { name: '令和', start: '2019-05-01', startYear: 2019 },
  { name: '平成', start: '1989-01-08', startYear: 1989 },
  { name: '昭和', start: '1926-12-25', startYear: 1926 },
  { name: '大正', start: '1912-07-30', startYear: 1912 },
  { name: '明治', start: '1868-01-25', startYear: 1868 },
];

/**
 * Japan adopted the Gregorian calendar on 明治6年1月1日; earlier dates were lunisolar and cannot be
 * written with Gregorian months and days, so they are refused rather than printed wrongly.
 */
const EARLIEST = '1873-01-01';

/**
 * Parses `YYYY-MM-DD`, refusing anything that is not a real calendar date. Messages never quote the
 * date: birth dates are personal data and errors get logged.
 */
function parseIsoDate(iso: string): { year: number; month: number; day: number } {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) throw new RangeError('not an ISO date');
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new RangeError('no such date');
  }
  return { year, month, day };
}

/** Converts a Gregorian `YYYY-MM-DD` date to its era, era year, month and day. */
export function toWareki(isoDate: string): WarekiDate {
  const { year, month, day } = parseIsoDate(isoDate);
  // Zero-padded ISO dates compare correctly as strings.
  const era = isoDate >= EARLIEST ? ERAS.find((e) => isoDate >= e.start) : undefined;
  if (!era) throw new RangeError(`date before ${EARLIEST} cannot be written in 和暦`);
  return { era: era.name, year: year - era.startYear + 1, month, day };
}

/** `令和8年11月22日`; the first year of an era is written 元年 as on official documents. */
export function formatWareki(isoDate: string): string {
  const w = toWareki(isoDate);
  return `${w.era}${w.year === 1 ? '元' : String(w.year)}年${w.month}月${w.day}日`;
}

const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

/**
 * The calendar date in Japan (UTC+9, no daylight saving) of an ISO date-time. A certificate issued at
 * 2026-11-21T20:00:00Z is dated 2026-11-22, whatever time zone the kiosk's OS is set to.
 */
export function japanDateOf(isoDateTime: string): string {
  const ms = Date.parse(isoDateTime);
  if (Number.isNaN(ms)) throw new RangeError('not an ISO date-time');
  return new Date(ms + JST_OFFSET_MS).toISOString().slice(0, 10);
}
