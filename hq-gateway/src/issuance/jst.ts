/**
 * Japan Standard Time without a time-zone library: JST is UTC+9 all year (no daylight saving time since
 * 1951), so shifting the instant by 9 hours and reading the UTC fields gives the wall clock in Tokyo.
 */
const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

export interface JstTime {
  /** YYYY-MM-DD. */
  date: string;
  year: number;
  /** 1–12. */
  month: number;
  day: number;
  /** 'MM-DD', for yearly closures. */
  monthDay: string;
  /** Minutes since JST midnight, 0–1439. */
  minutes: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
}

export function jst(at: Date): JstTime {
  const shifted = new Date(at.getTime() + JST_OFFSET_MS);
  const iso = shifted.toISOString();
  return {
    date: iso.slice(0, 10),
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    monthDay: iso.slice(5, 10),
    minutes: shifted.getUTCHours() * 60 + shifted.getUTCMinutes(),
    weekday: shifted.getUTCDay(),
  };
}

/** The instant of a JST wall-clock time: jstInstant('2026-12-28', '22:59'). */
export function jstInstant(date: string, hhmm: string): Date {
  return new Date(Date.parse(`${date}T${hhmm}:00Z`) - JST_OFFSET_MS);
}

/** 'HH:MM' → minutes since midnight. */
export function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/** 年度: April to March, named by the year it starts in. */
export function fiscalYearOf(at: Date): number {
  const t = jst(at);
  return t.month >= 4 ? t.year : t.year - 1;
}

/** Age in completed years on a JST date (a 29 February birthday counts from 1 March in common years). */
export function ageOn(birthDate: string, date: string): number {
  const years = Number(date.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return date.slice(5) >= birthDate.slice(5) ? years : years - 1;
}
