import type { ScreenName } from 'kiosk-agent/protocol/index';

/** Screens only store staff see: no display switch, no sound, no "call staff" hints. */
const STAFF_SCREENS: ReadonlySet<ScreenName> = new Set(['staffLogin', 'staffMenu', 'staffOwedRefunds']);

export function isStaffScreen(screen: ScreenName | undefined): boolean {
  return screen !== undefined && STAFF_SCREENS.has(screen);
}
