import type { PrinterStatus } from '../printer/printer';
import type { ScreenState } from '../protocol/state';

export interface KioskCountersSnapshot {
  sessions: number;
  authFailures: number;
  issuances: number;
  pagesPrinted: number;
}

/**
 * What the terminal did since the agent started, for HQ's fleet view, counted from what the kiosk shows
 * and what the printer reports (so the flows need not know about it). Counts only — nothing about who.
 */
export class KioskCounters {
  private counts: KioskCountersSnapshot = { sessions: 0, authFailures: 0, issuances: 0, pagesPrinted: 0 };
  private lastScreen: ScreenState['screen'] = 'idle';
  /** The page the printer is on in the current job, and how many of its pages were counted. */
  private lastPage = 0;
  private jobCounted = 0;

  get snapshot(): KioskCountersSnapshot {
    return { ...this.counts };
  }

  onScreen(state: ScreenState): void {
    const previous = this.lastScreen;
    this.lastScreen = state.screen;
    if (previous === state.screen) return;
    if (previous === 'authenticating') {
      if (state.screen === 'chooseCertificate' || state.screen === 'refused') this.counts.sessions += 1;
      else if (state.notice?.code === 'PIN_WRONG' || state.screen === 'pinLocked')
        this.counts.authFailures += 1;
    }
    if (state.screen === 'takeCertificate' && state.printedCopies > 0) this.counts.issuances += 1;
  }

  /** A page counts once the printer has moved past it: to the next page, or back to idle (not to a fault). */
  onPrinter(status: PrinterStatus): void {
    if (status.state === 'printing') {
      this.countDone(status.page - 1);
      this.lastPage = status.page;
      return;
    }
    if (status.state === 'idle') this.countDone(this.lastPage);
    this.lastPage = 0;
    this.jobCounted = 0;
  }

  private countDone(pages: number): void {
    if (pages <= this.jobCounted) return;
    this.counts.pagesPrinted += pages - this.jobCounted;
    this.jobCounted = pages;
  }
}
