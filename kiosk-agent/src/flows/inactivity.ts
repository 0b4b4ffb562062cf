/**
 * Inactivity on a customer screen: after `idleMs` without a touch a warning shows for `warningMs`,
 * then the kiosk resets and wipes the transaction.
 */
export interface InactivityTiming {
  idleMs: number;
  warningMs: number;
}

export class InactivityTimer {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly timing: InactivityTiming,
    private readonly onWarning: (resetAt: number) => void,
    private readonly onExpired: () => void,
  ) {}

  /** (Re)starts the idle countdown; the warning, if showing, is for the caller to clear. */
  touch(): void {
    this.stop();
    this.timer = setTimeout(() => {
      const resetAt = Date.now() + this.timing.warningMs;
      this.onWarning(resetAt);
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.onExpired();
      }, this.timing.warningMs);
    }, this.timing.idleMs);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
