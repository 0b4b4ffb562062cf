import holidayJp from '@holiday-jp/holiday_jp';

/**
 * 国民の祝日 and the days the holiday law adds (振替休日, 国民の休日), from the holiday-jp dataset, which
 * follows the Cabinet Office's list (it runs to 2050; a change in the law arrives as a package update).
 * City offices are shut on these days, so a weekday-only service (戸籍, 附票) is closed on them too.
 */
const HOLIDAYS: ReadonlySet<string> = new Set(Object.keys(holidayJp.holidays));

/** Whether a JST date ('YYYY-MM-DD') is a national holiday. */
export function isNationalHoliday(date: string): boolean {
  return HOLIDAYS.has(date);
}
